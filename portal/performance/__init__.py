"""Published charter performance: each month's figures frozen as published, the corrections
appended to them, and the "You said, we did" notes beside them (CHARTER.md section 7, made
public). The figures themselves are computed by the staff report's own function
(:func:`portal.staff.report.figures_for`), so the public page and the staff CSV never differ.
"""

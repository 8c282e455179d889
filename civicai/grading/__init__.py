"""Teachers' workflow on top of nbgrader: courses, rosters, safe parallel autograding, exports.

Light at import time: nbgrader is imported only by the functions that need it.
"""

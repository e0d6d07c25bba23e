# Valued outcomes, ratings and reviews are plan content: they are not in the
# admin site (see plans/admin.py for why).

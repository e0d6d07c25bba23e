"""The person's power over their plan: care team, who has looked, taking the data away."""

urlpatterns: list = []

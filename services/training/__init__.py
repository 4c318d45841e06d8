"""The training service: providers, courses, classes, enrolment, attendance, certificates."""

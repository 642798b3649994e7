"""Incubator cohorts: staff set up cohorts and their curriculum, admit participants from accepted applications;
participants see their sessions in their own time zone and subscribe to them as an iCalendar feed."""

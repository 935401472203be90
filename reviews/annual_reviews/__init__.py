"""Annual reviews of EHC plans: the pupil's review page, the compliance dashboard, calendars."""

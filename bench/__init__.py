"""`make bench`: build benchmark data on PostgreSQL, serve it through gunicorn, time pages."""

"""In-app notifications and the emails that say something is waiting (sendhub.notify)."""

"""Long jobs run in the background with their progress shown in the page (docs/deploy.md)."""

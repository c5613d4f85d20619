"""Use cases over the database. The UI and the CLI go through these and nothing else."""

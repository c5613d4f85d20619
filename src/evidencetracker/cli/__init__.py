"""evidencetracker-cli: headless commands over the services, for batch work and automation."""

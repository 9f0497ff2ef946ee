"""First-time mothers: how often they get interventions and complications, and how much of the region's gap to the nation is case mix and how much practice."""

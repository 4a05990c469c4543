"""Relations between instruments through the hub, and the harmonisation measures."""

"""Every write of surplus rescue, one module per concept."""

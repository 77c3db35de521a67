"""Who may do what: the role declarations, data scope and the security manager."""

"""People, households and cases: the registry everything else stands on."""

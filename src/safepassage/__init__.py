"""SafePassage: evacuation and resettlement case management."""

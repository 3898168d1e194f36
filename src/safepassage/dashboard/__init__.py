"""The operations picture: pipeline, flights and progress against commitments."""

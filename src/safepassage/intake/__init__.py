"""Public registration form, partner API and bulk import."""

"""medeval demo: example algorithm."""

"""The pure domain core: commands, events, state, rules. Standard library only."""

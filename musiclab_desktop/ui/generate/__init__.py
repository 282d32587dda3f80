"""The Generate panel: try an adapter on prompts, against its base, and keep the takes."""

"""Settings > Training environment: set up the managed environment or choose a Python."""

from musiclab_desktop.ui.training_env.gate import TrainingEnvGate, needs_setup

__all__ = ["TrainingEnvGate", "needs_setup"]

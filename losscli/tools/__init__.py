"""The tools beside computing a loss: explain, plot, compare, emit, random inputs."""

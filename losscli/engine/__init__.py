"""From checked inputs to a result: validation, the engine, both backends, conventions."""

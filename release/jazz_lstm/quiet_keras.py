"""Keras loaded without a line on stderr, for the Keras assignments' notebooks and visible
checks (shipped with their releases: source/<assignment>/quiet_keras.py links to it). A
module of its own, so that the numpy assignments' releases import nothing of Keras."""


def import_keras_quietly():
    """Import Keras (TensorFlow backend) without the log lines TensorFlow prints while it loads.

    TensorFlow's native code writes its start-up messages straight to file descriptor 2
    (stderr), past Python's sys.stderr, and nbgrader gives zero points to a test cell that
    writes anything to stderr. So: TF_CPP_MIN_LOG_LEVEL=3 (errors only) unless already set,
    descriptor 2 points to /dev/null during the import only, and the "tensorflow" Python logger
    is set to ERROR (it warns, e.g., about retracing). Real errors still raise exceptions.
    TensorFlow itself is imported inside the same silence, so `import tensorflow as tf` after
    this call prints nothing either.
    Returns the keras module; importing it again later is free and silent.
    """
    import logging
    import os
    import sys
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
        import tensorflow  # noqa: F401  (Keras' backend; loaded here, inside the silence)
        import keras
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    return keras

"""Catalogue of assignment 2: wrong implementations students write, and correct variants.

Names they call (np, the dino_utils helpers, clip, sample, optimize) resolve to the reference
here, and to the student's namespace in a notebook.
"""
import numpy as np

from ...oracle.dinosaur_island import (clip, get_initial_loss, get_sample,  # noqa: F401
                                       initialize_parameters, optimize, rnn_backward, rnn_forward,
                                       sample, smooth, softmax, update_parameters)
from .. import correct, wrong

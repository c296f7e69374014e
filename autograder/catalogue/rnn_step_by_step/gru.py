"""Catalogue of assignment 1 (gru): wrong implementations students write, and correct variants.

Function names are `<graded function>__<slug>`; the names they call (softmax, sigmoid, the
cell functions) resolve to the reference here, and to the student's namespace in a notebook.
"""
import numpy as np

from ...oracle.rnn_step_by_step import (lstm_cell_backward, lstm_cell_forward,  # noqa: F401
                                       rnn_cell_backward, rnn_cell_forward, sigmoid, softmax)
from .. import correct, wrong

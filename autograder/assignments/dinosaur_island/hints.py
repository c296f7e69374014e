"""Hints of assignment 2 for mistakes that graders recognise by their effect rather than by one
catalogued output (several ways of writing them behave alike); the catalogue's entries for them
carry the same text."""
UNCLIPPED_HINT = ("The arrays came back unclipped. np.clip returns a new array and leaves its input alone "
                  "unless you pass out=: np.clip(g, -maxValue, maxValue, out=g), or store the result in the "
                  "dict (gradients[key] = np.clip(...)). Assigning to a loop variable, or clipping a copy and "
                  "returning the original, leaves the returned dict unchanged.")
FIXED_BOUND_HINT = ("Your arrays are clipped at ±{bound:g} whatever maxValue is: use the argument maxValue, "
                    "not a fixed number.")
P_NOT_1D_HINT = "np.random.choice needs p as a 1-D array: y has shape (vocab_size, 1), pass p=y.ravel()."
UNSEEDED_HINT = ("The same seed gave two different names: call np.random.seed(counter + seed) right before "
                 "every draw, so that the draws depend on the seed argument only.")
CAP_HINT = ("Stop after 50 characters (loop while idx != newline and counter != 50), then append the "
            "newline index.")
NO_CAP_HINT = "This model never draws the newline, so your loop never ended. " + CAP_HINT
STATE_KEY_HINT = ("a is a dict keyed by time step, a[0] .. a[len(X) - 1] (a[-1] is the initial state): "
                  "the last hidden state is a[len(X) - 1].")

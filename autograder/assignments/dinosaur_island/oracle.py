"""Reference oracle for assignment 2 (dinosaur_island): a character-level RNN language model.

It builds on the helper module students receive, dino_utils.py (this folder's file; the
source folder's dino_utils.py links to it, and nbgrader releases a copy), so oracle and students
share one implementation of the helpers.
Vocabulary: '\\n' is index 0, 'a'..'z' are 1..26.
"""
import numpy as np

from . import dino_utils as helpers

softmax, smooth, get_initial_loss = helpers.softmax, helpers.smooth, helpers.get_initial_loss
initialize_parameters, update_parameters = helpers.initialize_parameters, helpers.update_parameters
rnn_forward, rnn_backward = helpers.rnn_forward, helpers.rnn_backward
get_sample = helpers.get_sample

GRADIENT_KEYS = ("dWaa", "dWax", "dWya", "db", "dby")
MAX_NAME_LENGTH = 50


def clip(gradients, maxValue):
    """Clip dWaa, dWax, dWya, db, dby element-wise into [-maxValue, maxValue], in place."""
    for key in GRADIENT_KEYS:
        np.clip(gradients[key], -maxValue, maxValue, out=gradients[key])
    return gradients


def sample(parameters, char_to_ix, seed):
    """Sample a name one character at a time, feeding each draw back as the next input.

    Step t draws after np.random.seed(counter + seed), both advancing by one per step.
    Returns the list of drawn indices; a name cut at 50 characters gets a '\\n' appended.
    """
    p = parameters
    vocab_size, n_a = p["by"].shape[0], p["Waa"].shape[1]
    x, a_prev = np.zeros((vocab_size, 1)), np.zeros((n_a, 1))
    newline = char_to_ix["\n"]
    indices, idx, counter = [], -1, 0
    while idx != newline and counter != MAX_NAME_LENGTH:
        a = np.tanh(p["Wax"] @ x + p["Waa"] @ a_prev + p["b"])
        y = softmax(p["Wya"] @ a + p["by"])
        np.random.seed(counter + seed)
        idx = np.random.choice(range(vocab_size), p=y.ravel())
        indices.append(idx)
        x = np.zeros((vocab_size, 1))
        x[idx] = 1
        a_prev = a
        seed += 1
        counter += 1
    if counter == MAX_NAME_LENGTH:
        indices.append(newline)
    return indices


def optimize(X, Y, a_prev, parameters, learning_rate=0.01):
    """One step of SGD on one name: forward, backward, clip at 5, update parameters in place.

    Returns loss (float), gradients (dict, clipped), and the last hidden state (n_a, 1).
    """
    loss, cache = rnn_forward(X, Y, a_prev, parameters)
    gradients, a = rnn_backward(X, Y, parameters, cache)
    gradients = clip(gradients, 5)
    update_parameters(parameters, gradients, learning_rate)
    return loss, gradients, a[len(X) - 1]


def model(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7, vocab_size=27,
          verbose=False):
    """Train on one name per iteration, carrying the hidden state across names; every 2,000
    iterations sample `dino_names` names with seeds 0, 1, ...

    Returns parameters (dict) and the last sampled name (trailing '\\n' included).
    """
    parameters = initialize_parameters(n_a, vocab_size, vocab_size)
    loss = get_initial_loss(vocab_size, dino_names)
    examples = [x.strip() for x in data_x]
    np.random.seed(0)
    np.random.shuffle(examples)
    a_prev = np.zeros((n_a, 1))
    last_dino_name = "abc"
    for j in range(num_iterations):
        X = [None] + [char_to_ix[ch] for ch in examples[j % len(examples)]]
        Y = X[1:] + [char_to_ix["\n"]]
        curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
        loss = smooth(loss, curr_loss)
        if j % 2000 == 0:
            for name_seed in range(dino_names):
                last_dino_name = get_sample(sample(parameters, char_to_ix, name_seed), ix_to_char)
                if verbose:
                    print(f"iteration {j}, loss {loss:.3f}: {last_dino_name.strip()}")
    return parameters, last_dino_name

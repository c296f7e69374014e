"""Catalogue of assignment 2: wrong implementations students write, and correct variants.

Names they call (np, the dino_utils helpers, clip, sample, optimize) resolve to the reference
here, and to the student's namespace in a notebook.
"""
import numpy as np

from ...oracle.dinosaur_island import (clip, get_initial_loss, get_sample,  # noqa: F401
                                       initialize_parameters, optimize, rnn_backward, rnn_forward,
                                       sample, smooth, softmax, update_parameters)
from .. import correct, wrong


# ------------------------------------------------------------------------------------ clip

@wrong("np.clip returns a new array: assign it back (or pass out=) so the dict holds the clipped values.")
def clip__result_discarded(gradients, maxValue):
    for key in ["dWaa", "dWax", "dWya", "db", "dby"]:
        np.clip(gradients[key], -maxValue, maxValue)
    return gradients


@wrong("Clip from below too: the range is [-maxValue, maxValue].")
def clip__upper_bound_only(gradients, maxValue):
    for key in ["dWaa", "dWax", "dWya", "db", "dby"]:
        gradients[key] = np.minimum(gradients[key], maxValue)
    return gradients


@wrong("Every gradient is clipped, the biases' db and dby included.")
def clip__weights_only(gradients, maxValue):
    for key in ["dWaa", "dWax", "dWya"]:
        gradients[key] = np.clip(gradients[key], -maxValue, maxValue)
    return gradients


@wrong("The lower bound is -maxValue, not 0: negative gradients must survive.")
def clip__lower_bound_zero(gradients, maxValue):
    for key in ["dWaa", "dWax", "dWya", "db", "dby"]:
        gradients[key] = np.clip(gradients[key], 0, maxValue)
    return gradients


@wrong("Clip element by element; rescaling the whole array by its norm changes values inside the range.")
def clip__rescaled_by_norm(gradients, maxValue):
    for key in ["dWaa", "dWax", "dWya", "db", "dby"]:
        norm = np.linalg.norm(gradients[key])
        if norm > maxValue:
            gradients[key] = gradients[key] * maxValue / norm
    return gradients


@wrong("Return the dict with all five gradients, not only the last one clipped.")
def clip__returns_new_dict_with_one_key(gradients, maxValue):
    for key in ["dWaa", "dWax", "dWya", "db", "dby"]:
        clipped = {key: np.clip(gradients[key], -maxValue, maxValue)}
    return clipped


@correct("np.clip with out= over the dict's items")
def clip__in_place_over_items(gradients, maxValue):
    for name, gradient in gradients.items():
        np.clip(gradient, -maxValue, maxValue, out=gradient)
    return gradients


@correct("a new dict built with np.maximum and np.minimum")
def clip__new_dict(gradients, maxValue):
    return {key: np.maximum(np.minimum(value, maxValue), -maxValue) for key, value in gradients.items()}


# ---------------------------------------------------------------------------------- sample

@wrong("Sample from the distribution (np.random.choice with p=y.ravel()); argmax gives the same name every time.")
def sample__argmax(parameters, char_to_ix, seed):
    Waa, Wax, Wya, by, b = (parameters[k] for k in ("Waa", "Wax", "Wya", "by", "b"))
    vocab_size, n_a = by.shape[0], Waa.shape[1]
    x, a_prev = np.zeros((vocab_size, 1)), np.zeros((n_a, 1))
    indices, idx, counter = [], -1, 0
    while idx != char_to_ix["\n"] and counter != 50:
        a = np.tanh(Wax @ x + Waa @ a_prev + b)
        y = softmax(Wya @ a + by)
        idx = int(np.argmax(y))
        indices.append(idx)
        x = np.zeros((vocab_size, 1))
        x[idx] = 1
        a_prev = a
        counter += 1
    if counter == 50:
        indices.append(char_to_ix["\n"])
    return indices


@wrong("Seed before every draw with np.random.seed(counter + seed), and add 1 to seed each step.")
def sample__seeded_once(parameters, char_to_ix, seed):
    Waa, Wax, Wya, by, b = (parameters[k] for k in ("Waa", "Wax", "Wya", "by", "b"))
    vocab_size, n_a = by.shape[0], Waa.shape[1]
    x, a_prev = np.zeros((vocab_size, 1)), np.zeros((n_a, 1))
    indices, idx, counter = [], -1, 0
    np.random.seed(seed)
    while idx != char_to_ix["\n"] and counter != 50:
        a = np.tanh(Wax @ x + Waa @ a_prev + b)
        y = softmax(Wya @ a + by)
        idx = np.random.choice(range(vocab_size), p=y.ravel())
        indices.append(idx)
        x = np.zeros((vocab_size, 1))
        x[idx] = 1
        a_prev = a
        counter += 1
    if counter == 50:
        indices.append(char_to_ix["\n"])
    return indices


@wrong("Feed the character you drew back in: x becomes the one-hot vector of idx.")
def sample__input_not_fed_back(parameters, char_to_ix, seed):
    Waa, Wax, Wya, by, b = (parameters[k] for k in ("Waa", "Wax", "Wya", "by", "b"))
    vocab_size, n_a = by.shape[0], Waa.shape[1]
    x, a_prev = np.zeros((vocab_size, 1)), np.zeros((n_a, 1))
    indices, idx, counter = [], -1, 0
    while idx != char_to_ix["\n"] and counter != 50:
        a = np.tanh(Wax @ x + Waa @ a_prev + b)
        y = softmax(Wya @ a + by)
        np.random.seed(counter + seed)
        idx = np.random.choice(range(vocab_size), p=y.ravel())
        indices.append(idx)
        a_prev = a
        seed += 1
        counter += 1
    if counter == 50:
        indices.append(char_to_ix["\n"])
    return indices


@wrong("Carry the hidden state: a_prev = a after each draw.")
def sample__state_not_carried(parameters, char_to_ix, seed):
    Waa, Wax, Wya, by, b = (parameters[k] for k in ("Waa", "Wax", "Wya", "by", "b"))
    vocab_size, n_a = by.shape[0], Waa.shape[1]
    x, a_prev = np.zeros((vocab_size, 1)), np.zeros((n_a, 1))
    indices, idx, counter = [], -1, 0
    while idx != char_to_ix["\n"] and counter != 50:
        a = np.tanh(Wax @ x + Waa @ a_prev + b)
        y = softmax(Wya @ a + by)
        np.random.seed(counter + seed)
        idx = np.random.choice(range(vocab_size), p=y.ravel())
        indices.append(idx)
        x = np.zeros((vocab_size, 1))
        x[idx] = 1
        seed += 1
        counter += 1
    if counter == 50:
        indices.append(char_to_ix["\n"])
    return indices


@wrong("A name cut at 50 characters still ends with the newline index: append it after the loop.")
def sample__cap_without_newline(parameters, char_to_ix, seed):
    Waa, Wax, Wya, by, b = (parameters[k] for k in ("Waa", "Wax", "Wya", "by", "b"))
    vocab_size, n_a = by.shape[0], Waa.shape[1]
    x, a_prev = np.zeros((vocab_size, 1)), np.zeros((n_a, 1))
    indices, idx, counter = [], -1, 0
    while idx != char_to_ix["\n"] and counter != 50:
        a = np.tanh(Wax @ x + Waa @ a_prev + b)
        y = softmax(Wya @ a + by)
        np.random.seed(counter + seed)
        idx = np.random.choice(range(vocab_size), p=y.ravel())
        indices.append(idx)
        x = np.zeros((vocab_size, 1))
        x[idx] = 1
        a_prev = a
        seed += 1
        counter += 1
    return indices


@wrong("The hidden state uses the tanh of the sum, with the bias b: a = tanh(Wax x + Waa a_prev + b).")
def sample__bias_missing(parameters, char_to_ix, seed):
    Waa, Wax, Wya, by = (parameters[k] for k in ("Waa", "Wax", "Wya", "by"))
    vocab_size, n_a = by.shape[0], Waa.shape[1]
    x, a_prev = np.zeros((vocab_size, 1)), np.zeros((n_a, 1))
    indices, idx, counter = [], -1, 0
    while idx != char_to_ix["\n"] and counter != 50:
        a = np.tanh(Wax @ x + Waa @ a_prev)
        y = softmax(Wya @ a + by)
        np.random.seed(counter + seed)
        idx = np.random.choice(range(vocab_size), p=y.ravel())
        indices.append(idx)
        x = np.zeros((vocab_size, 1))
        x[idx] = 1
        a_prev = a
        seed += 1
        counter += 1
    if counter == 50:
        indices.append(char_to_ix["\n"])
    return indices


@correct("np.random.choice(vocab_size, ...) and a for loop with break")
def sample__for_loop(parameters, char_to_ix, seed):
    vocab_size = parameters["by"].shape[0]
    x = np.zeros((vocab_size, 1))
    a = np.zeros((parameters["Waa"].shape[0], 1))
    newline = char_to_ix["\n"]
    indices = []
    for counter in range(50):
        a = np.tanh(np.dot(parameters["Wax"], x) + np.dot(parameters["Waa"], a) + parameters["b"])
        y = softmax(np.dot(parameters["Wya"], a) + parameters["by"])
        np.random.seed(counter + seed + counter)
        idx = np.random.choice(vocab_size, p=y.ravel())
        indices.append(idx)
        x = np.eye(vocab_size)[:, [idx]]
        if idx == newline:
            return indices
    return indices + [newline]


@correct("the one-hot input as a column of the identity, vocabulary size from char_to_ix")
def sample__identity_columns(parameters, char_to_ix, seed):
    vocab_size = len(char_to_ix)
    one_hot = np.eye(vocab_size)
    x, a_prev = np.zeros((vocab_size, 1)), np.zeros((parameters["Waa"].shape[1], 1))
    indices, idx, counter = [], None, 0
    while idx != char_to_ix["\n"] and counter < 50:
        a_prev = np.tanh(parameters["Wax"].dot(x) + parameters["Waa"].dot(a_prev) + parameters["b"])
        y = softmax(parameters["Wya"].dot(a_prev) + parameters["by"])
        np.random.seed(counter + seed)
        idx = np.random.choice(list(range(vocab_size)), p=y[:, 0])
        indices.append(idx)
        x = one_hot[:, idx:idx + 1]
        seed, counter = seed + 1, counter + 1
    if counter == 50:
        indices.append(char_to_ix["\n"])
    return indices


# -------------------------------------------------------------------------------- optimize

@wrong("Clip the gradients (clip(gradients, 5)) before the update: that is what keeps training stable.")
def optimize__no_clipping(X, Y, a_prev, parameters, learning_rate=0.01):
    loss, cache = rnn_forward(X, Y, a_prev, parameters)
    gradients, a = rnn_backward(X, Y, parameters, cache)
    parameters = update_parameters(parameters, gradients, learning_rate)
    return loss, gradients, a[len(X) - 1]


@wrong("Clip before you update: the update must use the clipped gradients.")
def optimize__update_before_clip(X, Y, a_prev, parameters, learning_rate=0.01):
    loss, cache = rnn_forward(X, Y, a_prev, parameters)
    gradients, a = rnn_backward(X, Y, parameters, cache)
    parameters = update_parameters(parameters, gradients, learning_rate)
    gradients = clip(gradients, 5)
    return loss, gradients, a[len(X) - 1]


@wrong("The threshold is 5: clip(gradients, 5).")
def optimize__clip_at_one(X, Y, a_prev, parameters, learning_rate=0.01):
    loss, cache = rnn_forward(X, Y, a_prev, parameters)
    gradients, a = rnn_backward(X, Y, parameters, cache)
    gradients = clip(gradients, 1)
    parameters = update_parameters(parameters, gradients, learning_rate)
    return loss, gradients, a[len(X) - 1]


@wrong("Pass learning_rate on to update_parameters instead of a fixed 0.01.")
def optimize__fixed_learning_rate(X, Y, a_prev, parameters, learning_rate=0.01):
    loss, cache = rnn_forward(X, Y, a_prev, parameters)
    gradients, a = rnn_backward(X, Y, parameters, cache)
    gradients = clip(gradients, 5)
    parameters = update_parameters(parameters, gradients, 0.01)
    return loss, gradients, a[len(X) - 1]


@wrong("Return the hidden state of the last step, a[len(X) - 1]; a[-1] is the initial state a_prev.")
def optimize__returns_initial_state(X, Y, a_prev, parameters, learning_rate=0.01):
    loss, cache = rnn_forward(X, Y, a_prev, parameters)
    gradients, a = rnn_backward(X, Y, parameters, cache)
    gradients = clip(gradients, 5)
    parameters = update_parameters(parameters, gradients, learning_rate)
    return loss, gradients, a[-1]


@wrong("Update the parameters dict you were given (update_parameters works in place); a copy is lost.")
def optimize__updates_a_copy(X, Y, a_prev, parameters, learning_rate=0.01):
    loss, cache = rnn_forward(X, Y, a_prev, parameters)
    gradients, a = rnn_backward(X, Y, parameters, cache)
    gradients = clip(gradients, 5)
    updated = update_parameters({k: v.copy() for k, v in parameters.items()}, gradients, learning_rate)
    return loss, gradients, a[len(X) - 1]


@correct("the update written out by hand, in place")
def optimize__manual_update(X, Y, a_prev, parameters, learning_rate=0.01):
    loss, cache = rnn_forward(X, Y, a_prev, parameters)
    gradients, a = rnn_backward(X, Y, parameters, cache)
    gradients = clip(gradients, maxValue=5)
    for name in ("Wax", "Waa", "Wya", "b", "by"):
        parameters[name] -= learning_rate * gradients["d" + name]
    return loss, gradients, a[len(X) - 1]


@correct("keyword arguments and the last state read from the cache")
def optimize__keywords(X, Y, a_prev, parameters, learning_rate=0.01):
    loss, cache = rnn_forward(X=X, Y=Y, a0=a_prev, parameters=parameters)
    gradients, _ = rnn_backward(X, Y, parameters, cache)
    clipped = clip(gradients, 5)
    update_parameters(parameters, clipped, lr=learning_rate)
    return loss, clipped, cache[1][len(X) - 1]


# ----------------------------------------------------------------------------------- model

@wrong("The first input is the zero vector: X = [None] + the name's indices.")
def model__no_none_input(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7, vocab_size=27, verbose=False):
    parameters = initialize_parameters(n_a, vocab_size, vocab_size)
    loss = get_initial_loss(vocab_size, dino_names)
    examples = [x.strip() for x in data_x]
    np.random.seed(0)
    np.random.shuffle(examples)
    a_prev = np.zeros((n_a, 1))
    last_dino_name = "abc"
    for j in range(num_iterations):
        X = [char_to_ix[ch] for ch in examples[j % len(examples)]]
        Y = X[1:] + [char_to_ix["\n"]]
        curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
        loss = smooth(loss, curr_loss)
        if j % 2000 == 0:
            for seed in range(dino_names):
                last_dino_name = get_sample(sample(parameters, char_to_ix, seed), ix_to_char)
    return parameters, last_dino_name


@wrong("The labels are the inputs shifted by one, ending with the newline: Y = X[1:] + [char_to_ix['\\n']].")
def model__labels_not_shifted(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7, vocab_size=27, verbose=False):
    parameters = initialize_parameters(n_a, vocab_size, vocab_size)
    loss = get_initial_loss(vocab_size, dino_names)
    examples = [x.strip() for x in data_x]
    np.random.seed(0)
    np.random.shuffle(examples)
    a_prev = np.zeros((n_a, 1))
    last_dino_name = "abc"
    for j in range(num_iterations):
        single = [char_to_ix[ch] for ch in examples[j % len(examples)]]
        X = [None] + single
        Y = X
        curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
        loss = smooth(loss, curr_loss)
        if j % 2000 == 0:
            for seed in range(dino_names):
                last_dino_name = get_sample(sample(parameters, char_to_ix, seed), ix_to_char)
    return parameters, last_dino_name


@wrong("Keep the hidden state from one name to the next: a_prev is the state optimize returns.")
def model__state_reset_each_name(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7, vocab_size=27, verbose=False):
    parameters = initialize_parameters(n_a, vocab_size, vocab_size)
    loss = get_initial_loss(vocab_size, dino_names)
    examples = [x.strip() for x in data_x]
    np.random.seed(0)
    np.random.shuffle(examples)
    last_dino_name = "abc"
    for j in range(num_iterations):
        X = [None] + [char_to_ix[ch] for ch in examples[j % len(examples)]]
        Y = X[1:] + [char_to_ix["\n"]]
        curr_loss, gradients, _ = optimize(X, Y, np.zeros((n_a, 1)), parameters, learning_rate=0.01)
        loss = smooth(loss, curr_loss)
        if j % 2000 == 0:
            for seed in range(dino_names):
                last_dino_name = get_sample(sample(parameters, char_to_ix, seed), ix_to_char)
    return parameters, last_dino_name


@wrong("Walk through the shuffled names in order: example j is examples[j % len(examples)].")
def model__random_example(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7, vocab_size=27, verbose=False):
    parameters = initialize_parameters(n_a, vocab_size, vocab_size)
    loss = get_initial_loss(vocab_size, dino_names)
    examples = [x.strip() for x in data_x]
    np.random.seed(0)
    np.random.shuffle(examples)
    a_prev = np.zeros((n_a, 1))
    last_dino_name = "abc"
    for j in range(num_iterations):
        name = examples[np.random.randint(len(examples))]
        X = [None] + [char_to_ix[ch] for ch in name]
        Y = X[1:] + [char_to_ix["\n"]]
        curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
        loss = smooth(loss, curr_loss)
        if j % 2000 == 0:
            for seed in range(dino_names):
                last_dino_name = get_sample(sample(parameters, char_to_ix, seed), ix_to_char)
    return parameters, last_dino_name


@wrong("Index the examples with j % len(examples); starting at j + 1 skips the first name.")
def model__off_by_one_example(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7, vocab_size=27, verbose=False):
    parameters = initialize_parameters(n_a, vocab_size, vocab_size)
    loss = get_initial_loss(vocab_size, dino_names)
    examples = [x.strip() for x in data_x]
    np.random.seed(0)
    np.random.shuffle(examples)
    a_prev = np.zeros((n_a, 1))
    last_dino_name = "abc"
    for j in range(num_iterations):
        X = [None] + [char_to_ix[ch] for ch in examples[(j + 1) % len(examples)]]
        Y = X[1:] + [char_to_ix["\n"]]
        curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
        loss = smooth(loss, curr_loss)
        if j % 2000 == 0:
            for seed in range(dino_names):
                last_dino_name = get_sample(sample(parameters, char_to_ix, seed), ix_to_char)
    return parameters, last_dino_name


@wrong("Train on the names with their newline stripped: the newline is added once, as the last label.")
def model__newline_kept_in_name(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7, vocab_size=27, verbose=False):
    parameters = initialize_parameters(n_a, vocab_size, vocab_size)
    loss = get_initial_loss(vocab_size, dino_names)
    examples = [x.strip() for x in data_x]
    np.random.seed(0)
    np.random.shuffle(examples)
    a_prev = np.zeros((n_a, 1))
    last_dino_name = "abc"
    for j in range(num_iterations):
        X = [None] + [char_to_ix[ch] for ch in examples[j % len(examples)] + "\n"]
        Y = X[1:] + [char_to_ix["\n"]]
        curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate=0.01)
        loss = smooth(loss, curr_loss)
        if j % 2000 == 0:
            for seed in range(dino_names):
                last_dino_name = get_sample(sample(parameters, char_to_ix, seed), ix_to_char)
    return parameters, last_dino_name


@correct("the example built with a list comprehension over the characters and an explicit newline index")
def model__comprehension(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7, vocab_size=27, verbose=False):
    n_x, n_y = vocab_size, vocab_size
    parameters = initialize_parameters(n_a, n_x, n_y)
    loss = get_initial_loss(vocab_size, dino_names)
    examples = [x.strip() for x in data_x]
    np.random.seed(0)
    np.random.shuffle(examples)
    a_prev = np.zeros((n_a, 1))
    last_dino_name = "abc"
    newline = char_to_ix["\n"]
    for j in range(num_iterations):
        idx = j % len(examples)
        single_example_ix = [char_to_ix[c] for c in list(examples[idx])]
        X = [None] + single_example_ix
        Y = single_example_ix + [newline]
        curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters)
        loss = smooth(loss, curr_loss)
        if j % 2000 == 0:
            for seed in range(dino_names):
                last_dino_name = get_sample(sample(parameters, char_to_ix, seed), ix_to_char)
    return parameters, last_dino_name


@correct("a while loop over the iterations and X, Y built with list concatenation")
def model__while_loop(data_x, ix_to_char, char_to_ix, num_iterations=35000, n_a=50, dino_names=7, vocab_size=27, verbose=False):
    parameters = initialize_parameters(n_a, vocab_size, vocab_size)
    loss = get_initial_loss(vocab_size, dino_names)
    examples = [x.strip() for x in data_x]
    np.random.seed(0)
    np.random.shuffle(examples)
    a_prev = np.zeros((n_a, 1))
    last_dino_name = "abc"
    j = 0
    while j < num_iterations:
        name = examples[j % len(examples)]
        X = [None] + list(map(char_to_ix.get, name))
        Y = X[1:] + [char_to_ix["\n"]]
        curr_loss, _, a_prev = optimize(X, Y, a_prev, parameters, 0.01)
        loss = smooth(loss, curr_loss)
        if j % 2000 == 0:
            last_dino_name = [get_sample(sample(parameters, char_to_ix, s), ix_to_char) for s in range(dino_names)][-1]
        j += 1
    return parameters, last_dino_name

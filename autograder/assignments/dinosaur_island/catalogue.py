"""Catalogue of assignment 2: wrong implementations students write, and correct variants.

Names they call (np, copy, the dino_utils helpers, clip, sample, optimize) resolve to the
reference here, and to the student's namespace in a notebook (the kill-rate report and the
tests grade each entry in the names the notebook's locked cells define, so an entry meets a name
the setup cell forgot to import as a NameError, as a student would). A mistake that is a small
change of the reference is its mutant (`mutant`): the reference's code with exact edits. Entries
whose slug starts with `template` are written the way solutions of the original course's newest
template are: an existing correct solution must earn full marks.
"""
import copy

import numpy as np

from ...catalogue import correct, mutant, wrong
from . import oracle
from .hints import FIXED_BOUND_HINT, P_NOT_1D_HINT, STATE_KEY_HINT, UNCLIPPED_HINT, UNSEEDED_HINT
from .oracle import (clip, get_initial_loss, get_sample,  # noqa: F401
                     initialize_parameters, optimize, rnn_backward, rnn_forward,
                     sample, smooth, softmax, update_parameters)


def clip_mutant(slug, hint, *edits):
    """A mutant of the reference clip, its gradient keys listed as the notebook lists them (the
    oracle's GRADIENT_KEYS is not a name of the notebook)."""
    return mutant(oracle.clip, slug, hint, ("GRADIENT_KEYS", '["dWaa", "dWax", "dWya", "db", "dby"]'), *edits)


def sample_mutant(slug, hint, *edits):
    """A mutant of the reference sample, its cap written as the notebook writes it (50)."""
    return mutant(oracle.sample, slug, hint, ("counter != MAX_NAME_LENGTH", "counter != 50"),
                  ("counter == MAX_NAME_LENGTH", "counter == 50"), *edits)


# ------------------------------------------------------------------------------------ clip

clip_mutant("result_discarded", UNCLIPPED_HINT,
            (", out=gradients[key])", ")"))


@wrong(UNCLIPPED_HINT)
def clip__copy_clipped_original_returned(gradients, maxValue):
    clipped = copy.deepcopy(gradients)
    for key in ["dWaa", "dWax", "dWya", "db", "dby"]:
        np.clip(clipped[key], -maxValue, maxValue, out=clipped[key])
    return gradients


@wrong(UNCLIPPED_HINT)
def clip__loop_variable_rebound(gradients, maxValue):
    gradients = copy.deepcopy(gradients)
    dWaa, dWax, dWya, db, dby = (gradients["dWaa"], gradients["dWax"], gradients["dWya"],
                                 gradients["db"], gradients["dby"])
    for gradient in [dWax, dWaa, dWya, db, dby]:
        gradient = np.clip(gradient, -maxValue, maxValue)
    return {"dWaa": dWaa, "dWax": dWax, "dWya": dWya, "db": db, "dby": dby}


clip_mutant("fixed_threshold", FIXED_BOUND_HINT.format(bound=5),
            ("-maxValue, maxValue,", "-5, 5,"))

clip_mutant("no_return", "End with `return gradients`: a function without a return statement returns None.",
            ("    return gradients\n", ""))

clip_mutant("upper_bound_only", "Clip from below too: the range is [-maxValue, maxValue].",
            ("np.clip(gradients[key], -maxValue, maxValue, out=gradients[key])",
             "gradients[key] = np.minimum(gradients[key], maxValue)"))

clip_mutant("weights_only", "Every gradient is clipped, the biases' db and dby included.",
            (', "db", "dby"]', "]"))

clip_mutant("lower_bound_zero", "The lower bound is -maxValue, not 0: negative gradients must survive.",
            ("-maxValue, maxValue,", "0, maxValue,"))


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


@correct("the original template's way: a deep copy (copy.deepcopy), its arrays unpacked and clipped with "
         "np.clip(..., out=...), returned as a new dict without da_next")
def clip__template_deepcopy(gradients, maxValue):
    gradients = copy.deepcopy(gradients)
    dWaa, dWax, dWya, db, dby = gradients['dWaa'], gradients['dWax'], gradients['dWya'], gradients['db'], gradients['dby']

    # clip every gradient in place (in the copy), to avoid exploding gradients
    for gradient in [dWax, dWaa, dWya, db, dby]:
        np.clip(gradient, -maxValue, maxValue, out = gradient)

    gradients = {"dWaa": dWaa, "dWax": dWax, "dWya": dWya, "db": db, "dby": dby}
    return gradients


# ---------------------------------------------------------------------------------- sample

sample_mutant("argmax",
              "Sample from the distribution (np.random.choice with p=y.ravel()); argmax gives the same name every "
              "time.",
              ("np.random.seed(counter + seed)\n        idx = np.random.choice(range(vocab_size), p=y.ravel())",
               "idx = int(np.argmax(y))"))

sample_mutant("seeded_once",
              "Seed before every draw with np.random.seed(counter + seed), and add 1 to seed each step.",
              ("        np.random.seed(counter + seed)\n", ""),
              ("    while idx", "    np.random.seed(seed)\n    while idx"))

sample_mutant("input_not_fed_back",
              "Feed the character you drew back in: x becomes the one-hot vector of idx.",
              ("        x = np.zeros((vocab_size, 1))\n        x[idx] = 1\n", ""))

sample_mutant("state_not_carried",
              "Carry the hidden state: a_prev = a after each draw.",
              ("        a_prev = a\n", ""))

sample_mutant("cap_without_newline",
              "A name cut at 50 characters still ends with the newline index: append it after the loop.",
              ("    if counter == 50:\n        indices.append(newline)\n", ""))

sample_mutant("bias_missing",
              "The hidden state uses the tanh of the sum, with the bias b: a = tanh(Wax x + Waa a_prev + b).",
              (' + p["b"])', ")"))

sample_mutant("unseeded", UNSEEDED_HINT,
              ("        np.random.seed(counter + seed)\n", ""))

sample_mutant("seed_not_incremented",
              "Add 1 to seed after every draw, as well as to counter: the draw at step k uses "
              "np.random.seed(seed + 2k).",
              ("        seed += 1\n", ""))

sample_mutant("seed_argument_ignored",
              "Seed with counter + seed: np.random.seed(counter) alone gives every seed the same name.",
              ("np.random.seed(counter + seed)\n", "np.random.seed(counter)\n"))

sample_mutant("two_dimensional_p", P_NOT_1D_HINT,
              ("p=y.ravel()", "p=y"))


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


@correct("the original template's way: np.dot, np.random.choice over list(range(vocab_size)), the newline "
         "appended after a name cut at 50 characters")
def sample__template(parameters, char_to_ix, seed):
    # the parameters, the vocabulary size and the number of hidden units
    Waa, Wax, Wya, by, b = parameters['Waa'], parameters['Wax'], parameters['Wya'], parameters['by'], parameters['b']
    vocab_size = by.shape[0]
    n_a = Waa.shape[1]

    x = np.zeros((vocab_size, 1))   # the zero input of the first step
    a_prev = np.zeros((n_a, 1))     # and the zero hidden state
    indices = []
    idx = -1
    counter = 0
    newline_character = char_to_ix['\n']

    while (idx != newline_character and counter != 50):
        a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
        z = np.dot(Wya, a) + by
        y = softmax(z)

        np.random.seed(counter + seed)
        idx = np.random.choice(list(range(vocab_size)), p = y.ravel())
        indices.append(idx)

        x = np.zeros((vocab_size, 1))
        x[idx] = 1
        a_prev = a

        seed += 1
        counter +=1

    if (counter == 50):
        indices.append(char_to_ix['\n'])

    return indices


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

mutant(oracle.optimize, "no_clipping",
       "Clip the gradients (clip(gradients, 5)) before the update: that is what keeps training stable.",
       ("    gradients = clip(gradients, 5)\n", ""))

mutant(oracle.optimize, "update_before_clip",
       "Clip before you update: the update must use the clipped gradients.",
       ("    gradients = clip(gradients, 5)\n    update_parameters(parameters, gradients, learning_rate)\n",
        "    update_parameters(parameters, gradients, learning_rate)\n    gradients = clip(gradients, 5)\n"))

mutant(oracle.optimize, "clip_at_one",
       "The threshold is 5: clip(gradients, 5).",
       ("clip(gradients, 5)", "clip(gradients, 1)"))

mutant(oracle.optimize, "fixed_learning_rate",
       "Pass learning_rate on to update_parameters instead of a fixed 0.01.",
       ("gradients, learning_rate)", "gradients, 0.01)"))

mutant(oracle.optimize, "returns_initial_state",
       "Return the hidden state of the last step, a[len(X) - 1]; a[-1] is the initial state a_prev.",
       ("a[len(X) - 1]", "a[-1]"))

mutant(oracle.optimize, "updates_a_copy",
       "Update the parameters dict you were given (update_parameters works in place); a copy is lost.",
       ("update_parameters(parameters,", "update_parameters({k: v.copy() for k, v in parameters.items()},"))

mutant(oracle.optimize, "state_after_the_end", STATE_KEY_HINT,
       ("a[len(X) - 1]", "a[len(X)]"))


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

mutant(oracle.model, "no_none_input",
       "The first input is the zero vector: X = [None] + the name's indices.",
       ("X = [None] + ", "X = "))

mutant(oracle.model, "labels_not_shifted",
       "The labels are the inputs shifted by one, ending with the newline: Y = X[1:] + [char_to_ix['\\n']].",
       (r'Y = X[1:] + [char_to_ix["\n"]]', "Y = X"))

mutant(oracle.model, "state_reset_each_name",
       "Keep the hidden state from one name to the next: a_prev is the state optimize returns.",
       ("gradients, a_prev = optimize(X, Y, a_prev,", "gradients, _ = optimize(X, Y, np.zeros((n_a, 1)),"))

mutant(oracle.model, "random_example",
       "Walk through the shuffled names in order: example j is examples[j % len(examples)].",
       ("examples[j % len(examples)]", "examples[np.random.randint(len(examples))]"))

mutant(oracle.model, "off_by_one_example",
       "Index the examples with j % len(examples); starting at j + 1 skips the first name.",
       ("examples[j % len(examples)]", "examples[(j + 1) % len(examples)]"))

mutant(oracle.model, "newline_kept_in_name",
       "Train on the names with their newline stripped: the newline is added once, as the last label.",
       ("for ch in examples[j % len(examples)]]", r'for ch in examples[j % len(examples)] + "\n"]'))

mutant(oracle.model, "data_x_not_examples",
       "Take each name from examples (stripped and shuffled by the given code), not from data_x: data_x keeps "
       "the file's order and the names' trailing newlines.",
       ("examples[j % len(examples)]", "data_x[j % len(examples)]"))


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


@correct("the original template's way: the name split into characters, then indices, a newline index variable, "
         "progress printed every 2,000 iterations whatever verbose says, sampling seeds counted by hand")
def model__template(data_x, ix_to_char, char_to_ix, num_iterations = 35000, n_a = 50, dino_names = 7, vocab_size = 27, verbose = False):
    n_x, n_y = vocab_size, vocab_size
    parameters = initialize_parameters(n_a, n_x, n_y)
    loss = get_initial_loss(vocab_size, dino_names)

    examples = [x.strip() for x in data_x]
    np.random.seed(0)
    np.random.shuffle(examples)
    a_prev = np.zeros((n_a, 1))
    last_dino_name = "abc"

    for j in range(num_iterations):
        idx = j % len(examples)
        single_example = examples[idx]
        single_example_chars = [c for c in single_example]
        single_example_ix = [char_to_ix[c] for c in single_example_chars]
        X = [None] + single_example_ix
        ix_newline = char_to_ix["\n"]
        Y = X[1:] + [ix_newline]

        curr_loss, gradients, a_prev = optimize(X, Y, a_prev, parameters, learning_rate = 0.01)
        if verbose and j in [0, len(examples) - 1, len(examples)]:
            print("j =", j, "idx =", idx)

        loss = smooth(loss, curr_loss)
        if j % 2000 == 0:
            print('Iteration: %d, Loss: %f' % (j, loss) + '\n')
            seed = 0
            for name in range(dino_names):
                sampled_indices = sample(parameters, char_to_ix, seed)
                last_dino_name = get_sample(sampled_indices, ix_to_char)
                print(last_dino_name.replace('\n', ''))
                seed += 1
            print('\n')

    return parameters, last_dino_name

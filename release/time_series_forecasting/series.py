"""The synthetic series of the forecasting assignment, and its plots. Students receive this
module (source/time_series_forecasting/series.py links to it); the graders draw their fresh
series with the same generator.

Every series is a sum of two sines (a slow and a fast wave) plus Gaussian noise, sampled
at T regular steps: an array (m, T, 1) of float32, the layout Keras' recurrent layers read
(examples, time steps, features).
"""
import numpy as np

NOISE = 0.03          # standard deviation of the Gaussian noise on every value
SLOW_PERIODS = (25, 60)  # range of the slow wave's period, in steps
FAST_PERIODS = (6, 14)   # range of the fast wave's period, in steps


def generate_series(m, T, seed=0):
    """m series of T steps: (m, T, 1) float32, values within about [-0.8, 0.8].

    Series i is  a_i sin(2 pi t / P_i + phi_i) + b_i sin(2 pi t / Q_i + psi_i) + noise  at
    t = 0 .. T-1: a slow wave (period P_i in SLOW_PERIODS, amplitude a_i in [0.35, 0.55]), a fast
    one (Q_i in FAST_PERIODS, b_i in [0.1, 0.25]) and independent N(0, NOISE^2) noise. Every
    series draws its own periods, amplitudes and phases; the same seed gives the same series.
    """
    rng = np.random.default_rng(seed)
    t = np.arange(T)
    waves = np.zeros((m, T))
    for periods, amplitudes in ((SLOW_PERIODS, (0.35, 0.55)), (FAST_PERIODS, (0.1, 0.25))):
        period = rng.uniform(*periods, size=(m, 1))
        amplitude = rng.uniform(*amplitudes, size=(m, 1))
        phase = rng.uniform(0, 2 * np.pi, size=(m, 1))
        waves += amplitude * np.sin(2 * np.pi * t / period + phase)
    waves += rng.normal(0, NOISE, size=(m, T))
    return waves[..., np.newaxis].astype(np.float32)


def split(series, fractions=(0.7, 0.2)):
    """(train, valid, test): consecutive slices of the m series, the first two of the given
    fractions of m, the test set the rest."""
    m = len(series)
    first, second = int(fractions[0] * m), int((fractions[0] + fractions[1]) * m)
    return series[:first], series[first:second], series[second:]


def plot_forecasts(axes, history, truth, forecasts, title=None):
    """Draw one series' observed history (n_steps,), the true future (horizon,) and each
    {label: forecast (horizon,)} on matplotlib `axes`."""
    n_steps, horizon = len(history), len(truth)
    future = np.arange(n_steps, n_steps + horizon)
    axes.plot(np.arange(n_steps), history, ".-", color="0.3", label="observed")
    axes.plot(future, truth, "o-", color="black", label="truth")
    for (label, forecast), marker in zip(forecasts.items(), "x+^sv"):
        axes.plot(future, forecast, marker + "--", label=label)
    axes.axvline(n_steps - 0.5, color="0.8", linewidth=1)
    axes.set_xlabel("time step")
    axes.grid(alpha=0.3)
    if title:
        axes.set_title(title)
    axes.legend(loc="lower left", fontsize="small")

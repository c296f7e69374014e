"""Music helpers of the "Improvise a jazz solo with an LSTM" assignment.

The pipeline:  MIDI / MusicXML file --load_score--> (melody, chords) --tokenize--> tokens
--build_vocabulary / make_dataset--> one-hot arrays X, Y for the LSTM; and back again:
generated tokens --tokens_to_stream--> music21 Score --write_midi / render_wav / plot_piano_roll.

Data types
----------
melody : list of MelodyEvent(offset, duration, pitch), sorted by offset, gap-free from offset 0
         (gaps between notes become rests). offset and duration in quarter notes (floats);
         pitch is a MIDI number (int) or None for a rest.
chords : list of ChordEvent(offset, duration, pitch_classes), sorted by offset. pitch_classes is
         a list of ints 0..11 (C = 0), ROOT FIRST, the other tones in ascending order above it.

Token grammar (one token per melody event)
------------------------------------------
    note:  "<class>,<duration>,<interval bucket>"   e.g.  "C,0.500,<+1,+2>"
    rest:  "R,<duration>"                           e.g.  "R,1.000"

* class, relative to the chord sounding at the note's offset (see note_class):
    C  chord tone          -- the pitch class is in the chord;
    S  scale tone          -- not a chord tone, but in the scale of the chord (chord_scale):
                              root + major 3rd + minor 7th -> mixolydian, root + major 3rd ->
                              ionian (major), root + minor 3rd + dim. 5th (no perfect 5th) ->
                              locrian, root + minor 3rd -> dorian, anything else -> mixolydian;
    A  approach tone       -- neither, but a half step above or below a chord tone;
    X  other               -- everything else, and every note when there is no chord at all;
    R  rest.
  (Over 7th chords every pitch class is C, S or A; X shows up over triads, e.g. Bb over C.)
* duration: the quarterLength rounded to the nearest 1/12 (at least 1/12), written with 3
  decimals ("0.500", "0.333", "1.000").
* interval bucket: the signed interval in semitones from the previous NOTE (rests skipped; the
  first note counts as 0), as one of the buckets of BUCKETS, written "<lo,hi>" with signs:
  <-24,-10> <-9,-6> <-5,-3> <-2,-1> <0,0> <+1,+2> <+3,+5> <+6,+9> <+10,+24>
  (intervals beyond two octaves fall in the outer buckets).
"""
import contextlib
import io
import re
import warnings
import wave
from collections import namedtuple
from pathlib import Path

import numpy as np

from quiet_keras import import_keras_quietly  # noqa: F401  (the notebook imports it from here)

MelodyEvent = namedtuple("MelodyEvent", "offset duration pitch")
ChordEvent = namedtuple("ChordEvent", "offset duration pitch_classes")

CLASSES = ("C", "S", "A", "X", "R")
GRID = 12                                   # durations are rounded to multiples of 1/GRID
BUCKETS = ((-24, -10), (-9, -6), (-5, -3), (-2, -1), (0, 0), (1, 2), (3, 5), (6, 9), (10, 24))
MELODY_RANGE = (55, 84)                     # pitches tokens_to_stream may choose (G3 .. C6)
_SCALES = {"ionian": (0, 2, 4, 5, 7, 9, 11), "dorian": (0, 2, 3, 5, 7, 9, 10),
           "mixolydian": (0, 2, 4, 5, 7, 9, 10), "locrian": (0, 1, 3, 5, 6, 8, 10)}
_TOKEN = re.compile(r"^(?:R,(\d+\.\d{3})|([CSAX]),(\d+\.\d{3}),<([+-]?\d+),([+-]?\d+)>)$")
_EPS = 1e-6
HERE = Path(__file__).resolve().parent


@contextlib.contextmanager
def _quiet():
    """Silence warnings and anything music21 prints to stderr, only inside the block."""
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


# ----------------------------------------------------------------------------- reading scores

def _root_first(pcs, root):
    """Distinct pitch classes (ints) ordered root first, then ascending above the root."""
    pcs = {int(p) % 12 for p in pcs}
    if root is None or root % 12 not in pcs:
        return sorted(pcs)
    return sorted(pcs, key=lambda p: (p - root) % 12)


def guess_root(pitch_classes, bass=None):
    """Root (pitch class) of a block chord, by a simple tertian score: each candidate tone r gets
    4 for a perfect fifth above it (1 for a diminished fifth when there is no perfect one),
    3 for a minor or major third, 2 for a minor or major seventh, 3 if it is the bass; the best
    score wins, ties go to the bass, then to the smallest pitch class. None for no pitches.
    (music21's Chord.root() depends on the spelling, which MIDI files do not keep.)"""
    pcs = sorted({int(p) % 12 for p in pitch_classes})
    if not pcs:
        return None

    def score(r):
        has = lambda i: (r + i) % 12 in pcs                          # noqa: E731
        return (4 * has(7) + (1 if has(6) and not has(7) else 0) + 3 * (has(3) or has(4))
                + 2 * (has(10) or has(11)) + 3 * (r == bass), r == bass, -r)

    return max(pcs, key=score)


def load_score(source):
    """Read a melody-plus-chords score.

    source: path (str or Path) of a MIDI or MusicXML file (anything music21 parses), or a
            music21 Score / Part / Stream already in memory.
    Returns (melody, chords):
      melody -- list of MelodyEvent(offset, duration, pitch), from the part with the most single
                notes (the first such part on a tie). Ties are merged, grace notes dropped, notes
                starting together keep the highest pitch, an overlapping note is cut where the
                next one starts, gaps (also before the first note) become rests and a rest after
                the last note is dropped;
      chords -- list of ChordEvent(offset, duration, pitch_classes root first) from the other
                part with the most block chords (root by guess_root); if there is none, from
                the chord symbols (music21 harmony.ChordSymbol, e.g. of a lead sheet) of all
                parts, each lasting
                until the next symbol (the last one until the melody ends). Symbols without
                pitches ("N.C.") give an empty pitch-class list.
    """
    from music21 import chord, converter, harmony, note, stream
    with _quiet():
        if isinstance(source, (str, Path)):
            score = converter.parse(str(source), forceSource=True)
        else:
            score = source
        parts = list(score.parts) if isinstance(score, stream.Score) and score.parts else [score]
        flats = [p.stripTies(inPlace=False).flatten() for p in parts]

        def is_block(e):
            return isinstance(e, chord.Chord) and not isinstance(e, harmony.ChordSymbol)

        n_single = [sum(isinstance(e, note.Note) for e in f) for f in flats]
        n_block = [sum(is_block(e) for e in f) for f in flats]
        m = int(np.argmax(n_single))

        starts = {}                                      # offset -> (pitch, end)
        for e in flats[m].notes:
            if isinstance(e, harmony.ChordSymbol) or e.duration.quarterLength <= 0:
                continue
            pitch = max(p.midi for p in e.pitches) if is_block(e) else e.pitch.midi
            off, end = float(e.offset), float(e.offset + e.duration.quarterLength)
            if off not in starts or pitch > starts[off][0]:
                starts[off] = (pitch, end)
        melody, t = [], 0.0
        offs = sorted(starts)
        for i, off in enumerate(offs):
            pitch, end = starts[off]
            if i + 1 < len(offs):
                end = min(end, offs[i + 1])
            if off > t + _EPS:
                melody.append(MelodyEvent(t, off - t, None))
            melody.append(MelodyEvent(off, end - off, pitch))
            t = end
        melody_end = t

        others = [i for i in range(len(flats)) if i != m and n_block[i] > 0]
        chords = []
        if others:
            c = max(others, key=lambda i: (n_block[i], -i))
            for e in flats[c].notes:
                if is_block(e) and e.duration.quarterLength > 0:
                    pcs = [p.pitchClass for p in e.pitches]
                    root = guess_root(pcs, bass=min(e.pitches, key=lambda p: p.midi).pitchClass)
                    chords.append(ChordEvent(float(e.offset), float(e.duration.quarterLength),
                                             _root_first(pcs, root)))
        else:
            symbols = {}
            for f in flats:
                for e in f.getElementsByClass(harmony.ChordSymbol):
                    pcs = [p.pitchClass for p in e.pitches]
                    root = e.root().pitchClass if pcs and e.root() is not None else None
                    symbols[float(e.offset)] = _root_first(pcs, root)
            offs = sorted(symbols)
            for i, off in enumerate(offs):
                end = offs[i + 1] if i + 1 < len(offs) else max(melody_end, off + 4.0)
                chords.append(ChordEvent(off, end - off, symbols[off]))
        chords.sort(key=lambda ch: ch.offset)
    return melody, chords


# ----------------------------------------------------------------------------- tokens

def chord_scale(pitch_classes):
    """The scale (set of pitch classes) of a chord given root first; see the module docstring."""
    if not pitch_classes:
        return set()
    root = pitch_classes[0]
    ints = {(p - root) % 12 for p in pitch_classes}
    if 4 in ints:
        name = "mixolydian" if 10 in ints else "ionian"
    elif 3 in ints:
        name = "locrian" if 6 in ints and 7 not in ints else "dorian"
    else:
        name = "mixolydian"
    return {(root + i) % 12 for i in _SCALES[name]}


def note_class(pitch, pitch_classes):
    """Class "C", "S", "A" or "X" of a MIDI pitch over a chord (pitch classes, root first)."""
    pc = pitch % 12
    tones = {p % 12 for p in pitch_classes}
    if pc in tones:
        return "C"
    if pc in chord_scale(pitch_classes):
        return "S"
    if (pc + 1) % 12 in tones or (pc - 1) % 12 in tones:
        return "A"
    return "X"


def chord_at(chords, offset):
    """Pitch classes of the chord sounding at `offset`: the last chord starting at or before it
    (so the last chord sustains and gaps keep the previous chord); before the first chord the
    first chord; [] when there are no chords."""
    if not chords:
        return []
    current = chords[0]
    for ch in chords:
        if ch.offset <= offset + _EPS:
            current = ch
        else:
            break
    return list(current.pitch_classes)


def quantize(duration):
    """quarterLength rounded to the nearest multiple of 1/GRID, at least 1/GRID (a float)."""
    return max(1, int(round(float(duration) * GRID))) / GRID


def interval_bucket(interval):
    """The bucket (lo, hi) of BUCKETS holding a signed interval in semitones (clipped to +-24)."""
    interval = int(np.clip(interval, -24, 24))
    return next(b for b in BUCKETS if b[0] <= interval <= b[1])


def _signed(v):
    return "0" if v == 0 else f"{v:+d}"


def tokenize(melody, chords):
    """One token per melody event (see the module docstring for the grammar).

    melody: list of MelodyEvent (or (offset, duration, pitch) tuples, pitch None for a rest);
    chords: list of ChordEvent (or (offset, duration, pitch classes root first) tuples).
    Returns a list of str, len(tokens) == len(melody). Deterministic.
    """
    chords = sorted((ChordEvent(*c) for c in chords), key=lambda c: c.offset)
    tokens, prev = [], None
    for offset, duration, pitch in melody:
        dur = f"{quantize(duration):.3f}"
        if pitch is None:
            tokens.append(f"R,{dur}")
            continue
        lo, hi = interval_bucket(0 if prev is None else pitch - prev)
        tokens.append(f"{note_class(pitch, chord_at(chords, offset))},{dur},<{_signed(lo)},{_signed(hi)}>")
        prev = pitch
    return tokens


def parse_token(token):
    """Split a token into (class, duration, bucket): class in CLASSES, duration a float, bucket
    (lo, hi) ints for notes and None for rests. Raises ValueError on anything else."""
    m = _TOKEN.match(token)
    if not m:
        raise ValueError(f"not a token: {token!r}")
    if m.group(1) is not None:
        return "R", float(m.group(1)), None
    bucket = (int(m.group(4)), int(m.group(5)))
    if bucket not in BUCKETS:
        raise ValueError(f"unknown interval bucket in {token!r}")
    return m.group(2), float(m.group(3)), bucket


def build_vocabulary(tokens):
    """values: sorted list of the distinct tokens (n_values of them); index_of: {token: index}."""
    values = sorted(set(tokens))
    return values, {v: i for i, v in enumerate(values)}


def make_dataset(tokens, index_of, Tx=30, m=60, seed=0):
    """Training windows for a next-token LSTM.

    tokens: list of str (len N >= Tx + 1); index_of: {token: index} with n_values entries.
    m windows start at positions drawn with np.random.default_rng(seed).integers(0, N - Tx, m).
    Returns X float32 (m, Tx, n_values): X[i, t] one-hot of tokens[start_i + t];
            Y float32 (Tx, m, n_values): Y[t, i] one-hot of tokens[start_i + t + 1], i.e.
            Y[t] == X[:, t + 1] for t < Tx - 1 and Y[Tx - 1] the token after the window.
    """
    n_tokens, n_values = len(tokens), len(index_of)
    if Tx < 1 or m < 1:
        raise ValueError("Tx and m must be at least 1")
    if n_tokens < Tx + 1:
        raise ValueError(f"need at least Tx + 1 = {Tx + 1} tokens, got {n_tokens}")
    starts = np.random.default_rng(seed).integers(0, n_tokens - Tx, size=m)
    ids = np.array([index_of[tok] for tok in tokens])
    windows = ids[starts[:, None] + np.arange(Tx + 1)]            # (m, Tx + 1)
    onehot = np.eye(n_values, dtype=np.float32)[windows]          # (m, Tx + 1, n_values)
    return onehot[:, :Tx], np.ascontiguousarray(onehot[:, 1:].transpose(1, 0, 2))


def load_music_utils(path="data/corpus.mid", Tx=30, m=60):
    """Everything the notebook needs: (X, Y, n_values, values, melody, chords).

    path: the score (a relative path is tried from the working directory, then from this file's
    folder). X (m, Tx, n_values), Y (Tx, m, n_values) as make_dataset(seed=0) makes them;
    values the sorted vocabulary (n_values tokens); melody, chords as load_score returns them.
    """
    path = Path(path)
    if not path.is_absolute() and not path.exists():
        path = HERE / path
    melody, chords = load_score(path)
    tokens = tokenize(melody, chords)
    values, index_of = build_vocabulary(tokens)
    X, Y = make_dataset(tokens, index_of, Tx=Tx, m=m, seed=0)
    return X, Y, len(values), values, melody, chords


# ----------------------------------------------------------------------------- back to music

def _voicing(pitch_classes):
    """MIDI pitches of a block chord: root between F2 and E3 (41..52), the rest stacked above."""
    if not pitch_classes:
        return []
    pitches = [41 + (pitch_classes[0] - 41) % 12]
    for pc in pitch_classes[1:]:
        pitches.append(pitches[-1] + 1 + (pc - pitches[-1] - 1) % 12)
    return pitches


def tokens_to_stream(tokens, chords, seed=0):
    """Realise tokens as concrete music over `chords`.

    tokens: list of str (the grammar above); chords: list of ChordEvent / tuples, root first.
    Events follow each other from offset 0 with the tokens' durations; chords repeat cyclically
    when the tokens last longer than them. For a note, the candidates are the pitches of
    MELODY_RANGE whose class over the chord at its offset is the token's class; one whose
    interval to the previous note (the first note: to G4 = 67) lies in the token's bucket is
    drawn with np.random.default_rng(seed), else the candidate nearest to the bucket is taken;
    without any candidate of the class (e.g. "X" over a 7th chord), the pitch is chosen from
    the whole range by the interval bucket alone. Rests stay rests.
    Returns a music21 Score: part 1 "melody" (notes and rests), part 2 "chords" (block chords,
    velocity 64, the last one cut where the melody ends), both with 4/4 and 120 bpm marks.
    """
    from music21 import chord, meter, note, stream, tempo
    rng = np.random.default_rng(seed)
    chords = sorted((ChordEvent(*c) for c in chords), key=lambda c: c.offset)
    cycle = max((c.offset + c.duration for c in chords), default=0.0)
    low, high = MELODY_RANGE
    mel, acc = stream.Part(id="melody"), stream.Part(id="chords")
    for part in (mel, acc):
        part.insert(0, meter.TimeSignature("4/4"))
        part.insert(0, tempo.MetronomeMark(number=120))
    t, prev = 0.0, 67
    for token in tokens:
        cls, dur, bucket = parse_token(token)
        if cls == "R":
            mel.insert(t, note.Rest(quarterLength=dur))
        else:
            local = t % cycle if cycle > 0 else t
            pcs = chord_at(chords, local)
            pool = list(range(low, high + 1))
            cands = [p for p in pool if note_class(p, pcs) == cls] or pool
            lo, hi = bucket
            inside = [p for p in cands if lo <= p - prev <= hi]
            if inside:
                pitch = int(rng.choice(inside))
            else:
                gap = [max(lo - (p - prev), (p - prev) - hi) for p in cands]
                pitch = cands[int(np.argmin(gap))]
            mel.insert(t, note.Note(pitch, quarterLength=dur))
            prev = pitch
        t += dur
    # the chord part, repeated to cover the melody
    start = 0.0
    while chords and cycle > 0 and start < t - _EPS:
        for c in chords:
            if start + c.offset >= t - _EPS:
                break
            if c.duration > 0 and c.pitch_classes:
                length = min(c.duration, t - start - c.offset)          # stop with the melody
                block = chord.Chord(_voicing(list(c.pitch_classes)), quarterLength=length)
                block.volume.velocity = 64
                acc.insert(start + c.offset, block)
        start += cycle
    score = stream.Score()
    score.insert(0, mel)
    score.insert(0, acc)
    return score


def write_midi(score, path):
    """Write a music21 stream to a MIDI file; returns the path (str)."""
    with _quiet():
        score.write("midi", fp=str(path))
    return str(path)


def _events(source):
    """(melody, chords) of a music21 stream, a (melody, chords) pair or a melody list."""
    if isinstance(source, tuple) and len(source) == 2 and isinstance(source[0], list):
        return [MelodyEvent(*e) for e in source[0]], [ChordEvent(*c) for c in source[1]]
    if isinstance(source, list):
        return [MelodyEvent(*e) for e in source], []
    return load_score(source)


def render_wav(score, path, seconds=20, rate=16000, bpm=120):
    """Render a music21 stream (or a (melody, chords) pair) to a mono 16-bit WAV file.

    Each note is a sum of three sine harmonics (1, 1/2, 1/4) under a 5 ms attack, an exponential
    decay and a 20 ms release; chord notes are played at 35% of the melody's loudness. A quarter
    note lasts 60 / bpm seconds. The audio lasts until the music ends plus 0.5 s, but at most
    `seconds`; it is normalised to a peak of 0.8. Written with the standard `wave` module.
    Returns the path (str).
    """
    melody, chords = _events(score)
    beat = 60.0 / bpm
    notes = [(e.offset, e.duration, e.pitch, 1.0) for e in melody if e.pitch is not None]
    for c in chords:
        notes += [(c.offset, c.duration, p, 0.35) for p in _voicing(list(c.pitch_classes))]
    end = max([o + d for o, d, _, _ in notes] + [e.offset + e.duration for e in melody] + [0.0])
    n = int(round(min(seconds, end * beat + 0.5) * rate))
    audio = np.zeros(n)
    for off, dur, pitch, gain in notes:
        i0 = int(round(off * beat * rate))
        if i0 >= n:
            continue
        length = min(int(round(dur * beat * rate)), n - i0)
        tt = np.arange(length) / rate
        f = 440.0 * 2 ** ((pitch - 69) / 12)
        wave_ = sum(a * np.sin(2 * np.pi * k * f * tt) for k, a in ((1, 1.0), (2, 0.5), (3, 0.25)))
        env = np.exp(-2.5 * tt) * np.minimum(1.0, tt / 0.005) * np.minimum(1.0, (length - np.arange(length)) / (0.02 * rate))
        audio[i0:i0 + length] += gain * wave_ * env
    peak = np.max(np.abs(audio)) if n else 0.0
    if peak > 0:
        audio *= 0.8 / peak
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((audio * 32767).astype("<i2").tobytes())
    return str(path)


def plot_piano_roll(stream_or_melody, ax=None, title=None):
    """Piano roll: time in quarter notes on x, MIDI pitch on y; melody notes in blue, chord
    notes in orange. Takes a music21 stream, a (melody, chords) pair or a melody list.
    The legend sits outside the axes, to their right, so it never covers a note (a new figure
    makes room for it with its constrained layout).
    Returns the matplotlib Axes drawn on (a new figure's when ax is None)."""
    import matplotlib.pyplot as plt
    melody, chords = _events(stream_or_melody)
    if ax is None:
        _, ax = plt.subplots(figsize=(12, 4), layout="constrained")
    mel = [(e.offset, e.duration, e.pitch) for e in melody if e.pitch is not None]
    acc = [(c.offset, c.duration, p) for c in chords for p in _voicing(list(c.pitch_classes))]
    for notes, colour, label in ((acc, "tab:orange", "chords"), (mel, "tab:blue", "melody")):
        for off, dur, pitch in notes:
            ax.broken_barh([(off, dur)], (pitch - 0.4, 0.8), facecolors=colour)
        if notes:
            ax.plot([], [], color=colour, lw=6, label=label)
    ax.set_xlabel("time (quarter notes)")
    ax.set_ylabel("MIDI pitch")
    if mel or acc:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
        ax.autoscale_view()
    if title:
        ax.set_title(title)
    return ax


# ----------------------------------------------------------------------------- names, Keras

NOTE_NAMES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")
_CHORD_SUFFIX = {(0, 4, 7, 11): "maj7", (0, 3, 7, 10): "m7", (0, 4, 7, 10): "7", (0, 3, 6, 10): "m7b5",
                 (0, 4, 7): "", (0, 3, 7): "m", (0, 3, 6): "dim", (0, 4, 8): "aug"}


def pitch_name(pitch):
    """Name of a MIDI pitch with flats and the octave number, e.g. 60 -> "C4", 70 -> "Bb4";
    None (a rest) -> "rest"."""
    if pitch is None:
        return "rest"
    return f"{NOTE_NAMES[int(pitch) % 12]}{int(pitch) // 12 - 1}"


def chord_name(pitch_classes):
    """Short name of a chord given root first, e.g. [2, 5, 9, 0] -> "Dm7", [5, 9, 0, 3] -> "F7";
    "N.C." (no chord) for []; the root and the pitch classes for a chord without a known name."""
    if not pitch_classes:
        return "N.C."
    root = pitch_classes[0] % 12
    shape = tuple(sorted({(p - root) % 12 for p in pitch_classes}))
    if shape in _CHORD_SUFFIX:
        return NOTE_NAMES[root] + _CHORD_SUFFIX[shape]
    return NOTE_NAMES[root] + "(" + " ".join(NOTE_NAMES[p % 12] for p in pitch_classes[1:]) + ")"

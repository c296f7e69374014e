"""Compose the jazz corpus of the "Improvise a jazz solo with an LSTM" assignment.

Everything here is the course's own material: a seeded random process writes jazz lines of
even eighth notes (no swing; some quarters, rests and off-beat syncopations, no triplets) over
ii-V-I progressions in several keys, minor ii-V-i's, I-vi-ii-V turnarounds and 12-bar blues
choruses, 76 bars of 4/4 in all. Notes are chosen from chord tones, scale tones of the chord
(major 7 -> ionian, minor 7 -> dorian, dominant 7 -> mixolydian, half-diminished -> locrian)
and chromatic approach tones (a half step below or above the chord tone of the next beat).

The result is a two-part MIDI file: part 1 is the melody, part 2 the block chords (one chord
per half bar or bar). The process is deterministic (numpy Generator seeded with SEED), so
running the script twice writes byte-identical files.

    python make_corpus.py                  # writes data/corpus.mid next to this script
    python make_corpus.py --out other.mid  # writes elsewhere
"""
import argparse
from pathlib import Path

import numpy as np

SEED = 2024
TEMPO = 120
LOW, HIGH = 58, 84                      # melody range, MIDI numbers (Bb3 .. C6)
NAMES = {"C": 0, "Db": 1, "D": 2, "Eb": 3, "E": 4, "F": 5, "Gb": 6, "G": 7, "Ab": 8,
         "A": 9, "Bb": 10, "B": 11}
QUALITIES = {                           # chord intervals above the root, scale intervals
    "maj7": ((0, 4, 7, 11), (0, 2, 4, 5, 7, 9, 11)),
    "m7": ((0, 3, 7, 10), (0, 2, 3, 5, 7, 9, 10)),
    "7": ((0, 4, 7, 10), (0, 2, 4, 5, 7, 9, 10)),
    "m7b5": ((0, 3, 6, 10), (0, 1, 3, 5, 6, 8, 10)),
}
# Rhythm cells of half a bar (2 beats): (quarterLength, is_rest), with their weights.
CELLS = [
    ([(0.5, False)] * 4, 6),
    ([(1.0, False), (0.5, False), (0.5, False)], 2),
    ([(0.5, False), (0.5, False), (1.0, False)], 2),
    ([(0.5, True), (0.5, False), (0.5, False), (0.5, False)], 2),
    ([(0.5, False), (1.0, False), (0.5, False)], 2),      # syncopation across the beat
    ([(1.0, False), (1.0, False)], 1),
    ([(1.0, True), (0.5, False), (0.5, False)], 1),
]
ENDINGS = [                             # the last bar of a phrase
    [(0.5, False), (0.5, False), (1.0, False), (2.0, True)],
    [(1.0, False), (1.0, False), (2.0, True)],
    [(0.5, False), (0.5, False), (0.5, False), (1.5, False), (1.0, True)],
]


def blues(key):
    """Jazz 12-bar blues in `key`: a list of bars, each a list of (root, quality, beats)."""
    k = NAMES[key]
    r = lambda i: (k + i) % 12                                   # noqa: E731
    return [[(r(0), "7", 4)], [(r(5), "7", 4)], [(r(0), "7", 4)], [(r(7), "m7", 2), (r(0), "7", 2)],
            [(r(5), "7", 4)], [(r(5), "7", 4)], [(r(0), "7", 4)], [(r(4), "m7", 2), (r(9), "7", 2)],
            [(r(2), "m7", 4)], [(r(7), "7", 4)], [(r(0), "7", 2), (r(9), "7", 2)],
            [(r(2), "m7", 2), (r(7), "7", 2)]]


def two_five_one(key):
    """ii-V-I in major `key`, 4 bars."""
    k = NAMES[key]
    return [[((k + 2) % 12, "m7", 4)], [((k + 7) % 12, "7", 4)], [(k, "maj7", 4)], [(k, "maj7", 4)]]


def minor_two_five_one(key):
    """ii(half-diminished)-V-i in minor `key`, 4 bars."""
    k = NAMES[key]
    return [[((k + 2) % 12, "m7b5", 4)], [((k + 7) % 12, "7", 4)], [(k, "m7", 4)], [(k, "m7", 4)]]


def turnaround(key):
    """I-vi | ii-V | iii-VI | ii-V in `key`, chords every half bar, 4 bars."""
    k = NAMES[key]
    r = lambda i: (k + i) % 12                                   # noqa: E731
    return [[(r(0), "maj7", 2), (r(9), "m7", 2)], [(r(2), "m7", 2), (r(7), "7", 2)],
            [(r(4), "m7", 2), (r(9), "7", 2)], [(r(2), "m7", 2), (r(7), "7", 2)]]


def form():
    """The whole tune: a list of phrases, each a list of bars (76 bars in all)."""
    phrases = []
    for chorus in (blues("F"), blues("Bb"), blues("F")):
        phrases += [chorus[0:4], chorus[4:8], chorus[8:12]]
    for key in ("C", "Bb", "Eb", "G", "D", "Ab"):
        phrases.append(two_five_one(key))
    for key in ("A", "D"):
        phrases.append(minor_two_five_one(key))
    phrases += [turnaround("F"), turnaround("C")]
    order = [0, 1, 2, 9, 10, 15, 11, 12, 3, 4, 5, 17, 13, 14, 16, 18, 6, 7, 8]
    return [phrases[i] for i in order]


def pitch_sets(root, quality):
    chord, scale = QUALITIES[quality]
    tones = {(root + i) % 12 for i in chord}
    return tones, {(root + i) % 12 for i in scale} - tones


def choose(rng, prev, direction, classes):
    """A pitch of the allowed pitch classes, mostly a step from prev in `direction`."""
    cands = [p for p in range(LOW, HIGH + 1) if p % 12 in classes]
    if rng.random() < 0.2:                                       # an occasional leap
        leap = [p for p in cands if 3 <= (p - prev) * direction <= 7]
        if leap:
            return int(rng.choice(leap))
    for d in (direction, -direction):
        step = [p for p in cands if 0 < (p - prev) * d <= 4]
        if step:
            return min(step, key=lambda p: abs(p - prev))
    return min(cands, key=lambda p: abs(p - prev))


def compose(seed=SEED):
    """The melody [(midi or None, quarterLength)] and the chords [(root, quality, beats)]."""
    rng = np.random.default_rng(seed)
    weights = np.array([w for _, w in CELLS], dtype=float)
    melody, chords = [], []
    prev, direction = 67, 1
    for phrase in form():
        for b, bar in enumerate(phrase):
            start = sum(beats for _, _, beats in chords)
            spans, t = [], start                                 # chord of each beat
            for root, quality, beats in bar:
                chords.append((root, quality, beats))
                spans += [(root, quality)] * beats
            if b == len(phrase) - 1:
                rhythm = ENDINGS[int(rng.integers(len(ENDINGS)))]
            else:
                rhythm = [e for _ in range(2) for e in CELLS[int(rng.choice(len(CELLS), p=weights / weights.sum()))][0]]
            onsets = np.cumsum([0.0] + [d for d, _ in rhythm])[:-1]
            forced = None
            for i, ((dur, rest), onset) in enumerate(zip(rhythm, onsets)):
                if rest:
                    melody.append((None, dur))
                    forced = None
                    continue
                tones, scale = pitch_sets(*spans[int(onset)])
                if prev > HIGH - 5 and direction > 0 or prev < LOW + 5 and direction < 0 or rng.random() < 0.15:
                    direction = -direction
                if forced is not None:
                    pitch, forced = forced, None
                else:
                    nxt = i + 1 < len(rhythm) and not rhythm[i + 1][1] and onsets[i + 1] % 1 == 0
                    if onset % 1 and dur == 0.5 and nxt and rng.random() < 0.35:
                        target_tones, _ = pitch_sets(*spans[int(onsets[i + 1])])
                        forced = choose(rng, prev + 2 * direction, direction, target_tones)
                        side = -1 if rng.random() < 0.6 else 1
                        pitch = min(max(forced + side, LOW), HIGH)
                    else:
                        on_beat = onset % 1 == 0
                        use_chord = rng.random() < (0.75 if on_beat else 0.35)
                        pitch = choose(rng, prev, direction, tones if use_chord else scale)
                melody.append((pitch, dur))
                prev = pitch
    return melody, chords


def to_score(melody, chords):
    """A music21 Score: part 1 melody, part 2 block chords (split into at most one bar each)."""
    from music21 import chord, instrument, meter, note, stream, tempo
    score = stream.Score()
    mel, acc = stream.Part(id="melody"), stream.Part(id="chords")
    mel.insert(0, instrument.AltoSaxophone())
    acc.insert(0, instrument.Piano())
    for part in (mel, acc):
        part.append(meter.TimeSignature("4/4"))
        part.append(tempo.MetronomeMark(number=TEMPO))
    for pitch, dur in melody:
        mel.append(note.Rest(quarterLength=dur) if pitch is None else note.Note(pitch, quarterLength=dur))
    for root, quality, beats in chords:
        bass = 48 + root if root < 7 else 36 + root
        for _ in range(beats // 4 if beats > 4 else 1):
            c = chord.Chord([bass + i for i in QUALITIES[quality][0]], quarterLength=min(beats, 4))
            c.volume.velocity = 64
            acc.append(c)
    score.insert(0, mel)
    score.insert(0, acc)
    return score


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "data" / "corpus.mid"))
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    melody, chords = compose(args.seed)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    to_score(melody, chords).write("midi", fp=str(out))
    bars = sum(b for _, _, b in chords) // 4
    print(f"{out}: {bars} bars, {sum(p is not None for p, _ in melody)} notes, "
          f"{sum(p is None for p, _ in melody)} rests, {len(chords)} chords, {out.stat().st_size} bytes")


if __name__ == "__main__":
    main()

"""The music side of the jazz-improvisation assignment (source/jazz_lstm): the corpus generator
(make_corpus.py, committed output data/corpus.mid) and the student pipeline (music_utils.py):
reading scores, the token grammar, the one-hot dataset, and turning tokens back into music,
audio and a piano roll."""
import subprocess
import sys
import wave
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

JAZZ_DIR = Path(__file__).resolve().parent.parent / "source" / "jazz_lstm"
sys.path.insert(0, str(JAZZ_DIR))
import music_utils as mu  # noqa: E402

CORPUS = JAZZ_DIR / "data" / "corpus.mid"
LEAD_SHEET = "leadSheet/berlinAlexandersRagtime.mxl"
C7, C_TRIAD, DM7, BM7B5 = [0, 4, 7, 10], [0, 4, 7], [2, 5, 9, 0], [11, 2, 5, 9]


@pytest.fixture(scope="module")
def corpus():
    melody, chords = mu.load_score(CORPUS)
    return melody, chords, mu.tokenize(melody, chords)


@pytest.fixture(scope="module")
def lead_sheet():
    from music21 import corpus as m21corpus
    melody, chords = mu.load_score(m21corpus.getWork(LEAD_SHEET))
    return melody, chords, mu.tokenize(melody, chords)


def merge_rests(tokens):
    """Consecutive rests as one rest: load_score reads them back that way."""
    out = []
    for tok in tokens:
        if tok.startswith("R,") and out and out[-1].startswith("R,"):
            out[-1] = f"R,{float(out[-1][2:]) + float(tok[2:]):.3f}"
        else:
            out.append(tok)
    return out


def class_and_duration(tokens):
    return [mu.parse_token(tok)[:2] for tok in tokens]


def round_trip(tokens, chords, via=None):
    """Tokens -> stream (-> MIDI file) -> load_score -> tokens."""
    score = mu.tokens_to_stream(tokens, chords, seed=0)
    if via is not None:
        score = mu.write_midi(score, via)
    return mu.tokenize(*mu.load_score(score))


# ----------------------------------------------------------------------------- the corpus

def test_corpus_script_is_deterministic_and_committed_file_is_fresh(tmp_path):
    outs = [tmp_path / "a.mid", tmp_path / "b.mid"]
    for out in outs:
        subprocess.run([sys.executable, str(JAZZ_DIR / "make_corpus.py"), "--out", str(out)],
                       check=True, capture_output=True, timeout=60)
    fresh = outs[0].read_bytes()
    assert fresh == outs[1].read_bytes(), "two runs of make_corpus.py differ"
    assert CORPUS.read_bytes() == fresh, "data/corpus.mid is not what make_corpus.py writes"
    assert 1000 < len(fresh) < 50_000


def test_corpus_has_melody_and_chords(corpus):
    melody, chords, _ = corpus
    end = melody[-1].offset + melody[-1].duration
    assert 48 * 4 <= end <= 96 * 4, "48 to 96 bars of 4/4"
    notes = [e for e in melody if e.pitch is not None]
    rests = [e for e in melody if e.pitch is None]
    assert len(notes) >= 4 * end / 4 and len(rests) >= 10        # >= 4 notes a bar on average
    assert all(55 <= e.pitch <= 90 for e in notes)
    # gap-free, sorted, durations mostly eighths with some quarters
    assert melody[0].offset == 0
    assert all(abs(a.offset + a.duration - b.offset) < 1e-9 for a, b in zip(melody, melody[1:]))
    durations = [e.duration for e in notes]
    assert durations.count(0.5) > len(notes) / 2 and durations.count(1.0) > 10
    # block chords every half bar or bar, covering the melody, root first
    assert end / 4 <= len(chords) <= end / 2
    assert all(c.duration in (2.0, 4.0) and len(c.pitch_classes) == 4 for c in chords)
    assert end <= chords[-1].offset + chords[-1].duration <= end + 4   # a final rest is dropped
    assert chords[0].pitch_classes == [5, 9, 0, 3]                # F7, the blues in F
    assert {tuple((p - c.pitch_classes[0]) % 12 for p in c.pitch_classes) for c in chords} == {
        (0, 4, 7, 11), (0, 3, 7, 10), (0, 4, 7, 10), (0, 3, 6, 10)}


def test_load_score_tidies_a_messy_melody():
    from music21 import chord, note, stream, tie
    mel, acc = stream.Part(), stream.Part()
    mel.insert(0, note.Note("C4", quarterLength=1))
    mel.insert(0, note.Note("E4", quarterLength=1))               # same onset: highest kept
    mel.insert(1, chord.Chord(["G4", "C5"], quarterLength=1))     # a chord: its top note
    mel.insert(3, note.Note("D4", quarterLength=2))               # after a gap, cut at 4
    mel.insert(4, note.Note("F4", quarterLength=1))
    first, second = note.Note("A4", quarterLength=1), note.Note("A4", quarterLength=1)
    first.tie, second.tie = tie.Tie("start"), tie.Tie("stop")
    mel.insert(5, first)
    mel.insert(6, second)                                         # tied: one note of 2
    mel.insert(7, note.Note("B4").getGrace())                     # grace note: dropped
    acc.insert(0, chord.Chord(["E3", "G3", "B-3", "C4"], quarterLength=4))   # C7/E
    acc.insert(4, chord.Chord(["D3", "F3", "A3", "C4"], quarterLength=4))    # Dm7
    score = stream.Score([mel, acc])
    melody, chords = mu.load_score(score)
    assert melody == [(0.0, 1.0, 64), (1.0, 1.0, 72), (2.0, 1.0, None), (3.0, 1.0, 62),
                      (4.0, 1.0, 65), (5.0, 2.0, 69)]
    assert chords == [(0.0, 4.0, [0, 4, 7, 10]), (4.0, 4.0, [2, 5, 9, 0])]
    assert mu.tokenize(melody, chords) == ["C,1.000,<0,0>", "C,1.000,<+6,+9>", "R,1.000",
                                           "S,1.000,<-24,-10>", "C,1.000,<+3,+5>", "C,2.000,<+3,+5>"]


# ----------------------------------------------------------------------------- tokens

def test_every_corpus_token_parses(corpus):
    melody, _, tokens = corpus
    assert len(tokens) == len(melody)
    for event, tok in zip(melody, tokens):
        cls, duration, bucket = mu.parse_token(tok)
        assert cls in {"C", "S", "A", "X", "R"}
        assert (cls == "R") == (event.pitch is None) == (bucket is None)
        assert duration == pytest.approx(event.duration) and round(duration * 12) == duration * 12
        assert bucket is None or bucket in mu.BUCKETS
    classes = {mu.parse_token(tok)[0] for tok in tokens}
    assert {"C", "S", "A", "R"} <= classes
    # the bucket is the interval to the previous note
    pitches = [e.pitch for e in melody if e.pitch is not None]
    buckets = [mu.parse_token(t)[2] for t in tokens if not t.startswith("R")]
    assert buckets[0] == (0, 0)
    for prev, pitch, (lo, hi) in zip(pitches, pitches[1:], buckets[1:]):
        assert lo <= max(-24, min(24, pitch - prev)) <= hi


@pytest.mark.parametrize("bad", ["", "C,0.500", "Q,0.500,<0,0>", "C,0.5,<0,0>", "R,0.500,<0,0>",
                                 "C,0.500,<+1,+3>", "C,0.500,<1,2>x"])
def test_parse_token_rejects_malformed(bad):
    with pytest.raises(ValueError):
        mu.parse_token(bad)


@pytest.mark.parametrize("chord, expected", [
    (C7, {"C": "C", "E": "C", "G": "C", "B-": "C", "D": "S", "F": "S", "A": "S",
          "D-": "A", "E-": "A", "F#": "A", "A-": "A", "B": "A"}),                 # mixolydian
    (C_TRIAD, {"E": "C", "B": "S", "F": "S", "A-": "A", "B-": "X"}),               # ionian
    (DM7, {"F": "C", "E": "S", "B": "S", "G": "S", "E-": "A", "C#": "A"}),          # dorian
    (BM7B5, {"D": "C", "C": "S", "G": "S", "E": "S", "F#": "A"}),                   # locrian
    ([], {"C": "X", "E": "X"}),                                                      # no chord
])
def test_note_classes_follow_the_documented_rule(chord, expected):
    from music21 import pitch
    for name, cls in expected.items():
        for octave in (4, 5):
            midi = pitch.Pitch(f"{name}{octave}").midi
            assert mu.note_class(midi, chord) == cls, (name, chord)
            assert mu.tokenize([(0.0, 1.0, midi)], [(0.0, 4.0, chord)])[0].startswith(cls + ",")


def test_hand_made_melody_tokens():
    chords = [mu.ChordEvent(0.0, 4.0, C7), mu.ChordEvent(4.0, 4.0, [5, 9, 0, 4])]   # C7 | Fmaj7
    melody = [(0.0, 0.5, 64),           # E over C7: chord tone, first note
              (0.5, 0.49, 62),          # D: scale tone, down 2, 0.49 rounds to 0.5
              (1.0, 1 / 3, 63),         # Eb: approach tone, up 1, a triplet eighth
              (4 / 3, 2 / 3, None),     # rest
              (2.0, 2.0, 70),           # Bb: chord tone, up 7 from Eb (rests skipped)
              (4.0, 1.0, 70),           # Bb over Fmaj7: scale tone, repeated
              (5.0, 1.0, 53),           # F3: chord tone, down 17
              (6.0, 2.0, 81)]           # A5: chord tone, up 28 (clipped to the top bucket)
    assert mu.tokenize(melody, chords) == [
        "C,0.500,<0,0>", "S,0.500,<-2,-1>", "A,0.333,<+1,+2>", "R,0.667", "C,2.000,<+6,+9>",
        "S,1.000,<0,0>", "C,1.000,<-24,-10>", "C,2.000,<+10,+24>"]
    # before the first chord the first chord counts; after the last one it sustains
    late = [mu.ChordEvent(2.0, 2.0, C7)]
    assert mu.tokenize([(0.0, 1.0, 62), (9.0, 1.0, 64)], late) == ["S,1.000,<0,0>", "C,1.000,<+1,+2>"]


def test_vocabulary_is_sorted_and_reproducible(corpus):
    values, index_of = mu.build_vocabulary(corpus[2])
    melody, chords = mu.load_score(CORPUS)
    again, index_again = mu.build_vocabulary(mu.tokenize(melody, chords))
    assert values == again == sorted(set(corpus[2])) and index_of == index_again
    assert [index_of[v] for v in values] == list(range(len(values)))
    assert 20 <= len(values) <= 80
    assert mu.build_vocabulary(["b", "a", "b", "c"]) == (["a", "b", "c"], {"a": 0, "b": 1, "c": 2})


# ----------------------------------------------------------------------------- dataset

@pytest.mark.parametrize("Tx, m", [(1, 1), (1, 7), (30, 1), (30, 60), (8, 13)])
def test_dataset_windows_are_one_hot_and_shifted(corpus, Tx, m):
    tokens = corpus[2]
    values, index_of = mu.build_vocabulary(tokens)
    n = len(values)
    X, Y = mu.make_dataset(tokens, index_of, Tx=Tx, m=m, seed=3)
    assert X.shape == (m, Tx, n) and Y.shape == (Tx, m, n)
    assert X.dtype.kind == "f" and Y.dtype.kind == "f"
    for A in (X, Y):
        assert set(np.unique(A)) <= {0.0, 1.0} and np.all(A.sum(axis=-1) == 1)
    for t in range(Tx - 1):
        np.testing.assert_array_equal(Y[t], X[:, t + 1, :])
    # the windows are cut where default_rng(seed) says, and Y's last step is the next token
    starts = np.random.default_rng(3).integers(0, len(tokens) - Tx, size=m)
    ids = np.array([index_of[tok] for tok in tokens])
    for i, s in enumerate(starts):
        np.testing.assert_array_equal(X[i].argmax(axis=1), ids[s:s + Tx])
        assert Y[Tx - 1, i].argmax() == ids[s + Tx]
    X2, Y2 = mu.make_dataset(tokens, index_of, Tx=Tx, m=m, seed=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(Y, Y2)


def test_dataset_seed_and_length_checks(corpus):
    tokens = corpus[2]
    _, index_of = mu.build_vocabulary(tokens)
    X0, _ = mu.make_dataset(tokens, index_of, seed=0)
    X1, _ = mu.make_dataset(tokens, index_of, seed=1)
    assert not np.array_equal(X0, X1)
    X, Y = mu.make_dataset(tokens[:4], index_of, Tx=3, m=5)          # only one window fits
    assert np.all(X == X[:1]) and np.all(Y[:, :1] == Y)
    with pytest.raises(ValueError):
        mu.make_dataset(tokens[:3], index_of, Tx=3, m=5)


def test_load_music_utils(corpus, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)                    # the default relative path still resolves
    X, Y, n_values, values, melody, chords = mu.load_music_utils(Tx=30, m=60)
    assert X.shape == (60, 30, n_values) and Y.shape == (30, 60, n_values)
    assert values == sorted(set(corpus[2])) and n_values == len(values)
    assert melody == corpus[0] and chords == corpus[1]
    X1, Y1, *_ = mu.load_music_utils(str(CORPUS), Tx=1, m=1)
    assert X1.shape == (1, 1, n_values) and Y1.shape == (1, 1, n_values)


# ----------------------------------------------------------------------------- a public lead sheet

def test_lead_sheet_with_chord_symbols(lead_sheet):
    melody, chords, tokens = lead_sheet
    notes = [e for e in melody if e.pitch is not None]
    assert len(notes) > 100 and len(chords) > 10
    assert chords[0].pitch_classes == [5, 9, 0]                        # F
    assert any(c.pitch_classes == [0, 4, 7, 10] for c in chords)      # C7, root first
    assert all(a.offset + a.duration == pytest.approx(b.offset) for a, b in zip(chords, chords[1:]))
    assert len(tokens) == len(melody)
    classes = [mu.parse_token(tok)[0] for tok in tokens]
    assert set(classes) <= set(mu.CLASSES)
    assert classes.count("C") > len(notes) / 3 and classes.count("X") < len(notes) / 4


# ----------------------------------------------------------------------------- back to music

def test_round_trip_of_corpus_tokens(corpus):
    _, chords, tokens = corpus
    back = round_trip(tokens, chords)
    assert len(back) == len(tokens)
    same = np.mean([a == b for a, b in zip(class_and_duration(tokens), class_and_duration(back))])
    assert same >= 0.97, same                                       # measured: 1.0
    whole = np.mean([a == b for a, b in zip(tokens, back)])          # buckets too
    assert whole >= 0.9, whole                                      # measured: 0.949


def test_round_trip_of_random_tokens_over_other_chords(corpus, lead_sheet, tmp_path):
    values, _ = mu.build_vocabulary(corpus[2])
    tokens = [str(t) for t in np.random.default_rng(1).choice(values, 200)]
    chords = lead_sheet[1]
    back = round_trip(tokens, chords)
    expected = class_and_duration(merge_rests(tokens))
    assert len(back) == len(expected)
    same = np.mean([a == b for a, b in zip(expected, class_and_duration(back))])
    assert same >= 0.95, same                                       # measured: 0.990
    assert round_trip(tokens, chords, via=tmp_path / "gen.mid") == back   # MIDI keeps it all


def test_tokens_to_stream_realises_the_tokens():
    from music21 import chord, note
    tokens = ["C,1.000,<0,0>", "S,0.500,<+1,+2>", "R,0.500", "A,1.000,<-2,-1>", "C,4.000,<+3,+5>"]
    chords = [(0.0, 2.0, C7), (2.0, 2.0, DM7)]
    score = mu.tokens_to_stream(tokens, chords, seed=0)
    melody_part, chord_part = score.parts
    events = list(melody_part.flatten().notesAndRests)
    assert [type(e) for e in events] == [note.Note, note.Note, note.Rest, note.Note, note.Note]
    assert [float(e.offset) for e in events] == [0.0, 1.0, 1.5, 2.0, 3.0]
    pitches = [e.pitch.midi for e in events if isinstance(e, note.Note)]
    assert all(mu.MELODY_RANGE[0] <= p <= mu.MELODY_RANGE[1] for p in pitches)
    assert pitches[0] % 12 in C7 and 1 <= pitches[1] - pitches[0] <= 2
    assert -2 <= pitches[2] - pitches[1] <= -1 and 3 <= pitches[3] - pitches[2] <= 5
    blocks = list(chord_part.flatten().getElementsByClass(chord.Chord))
    assert [float(b.offset) for b in blocks] == [0.0, 2.0, 4.0, 6.0]      # chords repeat
    assert sorted(p.pitchClass for p in blocks[1].pitches) == sorted(DM7)
    again = mu.tokens_to_stream(tokens, chords, seed=0)
    assert [e.pitch.midi for e in again.parts[0].flatten().notes] == pitches


def test_render_wav(corpus, tmp_path):
    score = mu.tokens_to_stream(corpus[2][:80], corpus[1], seed=0)
    path = mu.render_wav(score, tmp_path / "solo.wav", seconds=3, rate=8000)
    assert Path(path) == tmp_path / "solo.wav"
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 8000)
        assert w.getnframes() == 3 * 8000
        audio = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(float) / 32767
    assert np.sqrt(np.mean(audio ** 2)) > 0.05 and np.abs(audio).max() <= 0.81
    assert np.sqrt(np.mean(audio[-8000:] ** 2)) > 0.02            # still playing at the end
    # shorter music: 2 quarters at 120 bpm (1 s) plus a 0.5 s tail
    short = mu.tokens_to_stream(["C,1.000,<0,0>", "C,1.000,<+3,+5>"], [(0.0, 4.0, C7)])
    with wave.open(mu.render_wav(short, tmp_path / "short.wav", seconds=20, rate=16000)) as w:
        assert w.getframerate() == 16000 and w.getnframes() == 24000
    # the chords sound too, softer than the melody
    comp = mu.tokens_to_stream(["R,4.000"], [(0.0, 4.0, C7)])
    with wave.open(mu.render_wav(comp, tmp_path / "comp.wav", seconds=1, rate=8000)) as w:
        assert np.abs(np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")).max() > 1000


def test_plot_piano_roll(corpus):
    import matplotlib.pyplot as plt
    score = mu.tokens_to_stream(corpus[2][:40], corpus[1], seed=0)
    ax = mu.plot_piano_roll(score, title="solo")
    melody, chords = mu.load_score(score)
    n_notes = sum(e.pitch is not None for e in melody) + sum(len(c.pitch_classes) for c in chords)
    assert len(ax.collections) == n_notes and ax.get_title() == "solo"
    colours = {tuple(np.round(c.get_facecolor()[0], 3)) for c in ax.collections}
    assert len(colours) == 2
    lo, hi = ax.get_ylim()
    assert lo < min(e.pitch for e in melody if e.pitch) and hi > max(e.pitch for e in melody if e.pitch)
    assert_legend_beside(ax)
    fig, ax2 = plt.subplots()
    assert mu.plot_piano_roll(corpus[0][:50], ax=ax2) is ax2 and len(ax2.collections) > 0
    fig.canvas.draw()
    plt.close("all")


def assert_legend_beside(ax):
    """The legend of `ax` lies beside its axes, never over the data, and inside the figure."""
    ax.figure.canvas.draw()
    legend, axes, figure = ax.get_legend().get_window_extent(), ax.get_window_extent(), ax.figure.bbox
    assert not legend.overlaps(axes), (legend, axes)
    assert figure.x0 <= legend.x0 and legend.x1 <= figure.x1 and figure.y0 <= legend.y0 and legend.y1 <= figure.y1


def test_piano_roll_legend_never_covers_the_highest_notes():
    """A melody whose highest notes sit in the top right corner, where a legend inside the axes
    would go."""
    import matplotlib.pyplot as plt
    melody = [(float(t), 1.0, 60 + 2 * t) for t in range(12)]
    ax = mu.plot_piano_roll((melody, [(0.0, 12.0, C7)]))
    top = ax.transData.transform((11.5, melody[-1][2]))            # the last, highest note
    ax.figure.canvas.draw()
    assert not ax.get_legend().get_window_extent().contains(*top)
    assert_legend_beside(ax)
    plt.close("all")


# ----------------------------------------------------------------------------- the figures

def test_figures_are_what_make_figures_draws(tmp_path, monkeypatch):
    import make_figures
    monkeypatch.setattr(make_figures, "OUT_DIR", str(tmp_path))
    make_figures.main()
    for name in ("tokens.png", "training_model.png", "inference_model.png"):
        assert (tmp_path / name).read_bytes() == (JAZZ_DIR / "images" / name).read_bytes(), \
            f"images/{name} is stale: run make_figures.py"


def test_token_figure_legend_is_beside_the_notes(monkeypatch):
    import make_figures
    drawn = []
    monkeypatch.setattr(make_figures, "save", lambda fig, name: drawn.append(fig))
    make_figures.figure_tokens()
    assert_legend_beside(drawn[0].axes[0])


def test_nothing_goes_to_stderr(tmp_path):
    """The whole pipeline in a fresh interpreter (so that warnings are not caught by pytest)."""
    script = f"""
import sys
sys.path.insert(0, {str(JAZZ_DIR)!r})
import matplotlib
matplotlib.use("Agg")
from music21 import corpus
import music_utils as mu
melody, chords = mu.load_score(corpus.getWork({LEAD_SHEET!r}))
score = mu.tokens_to_stream(mu.tokenize(melody, chords), chords)
mu.load_score(mu.write_midi(score, {str(tmp_path / "lead.mid")!r}))
X, Y, n_values, values, melody, chords = mu.load_music_utils({str(CORPUS)!r})
mu.render_wav(score, {str(tmp_path / "lead.wav")!r}, seconds=1)
mu.plot_piano_roll(score)
print("done")
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                         cwd=tmp_path)
    assert run.returncode == 0 and run.stdout.strip() == "done", run.stderr
    assert run.stderr == ""

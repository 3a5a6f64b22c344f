import io

import av

from listening.learning.captions import Cue, read_captions, write_captions
from listening.learning.demo import VIDEO_SECONDS, demo_video


def test_demo_video_is_a_playable_webm_of_the_stated_length():
    data = demo_video(seconds=2)
    assert data[:4] == b"\x1aE\xdf\xa3"  # Matroska / WebM
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "vp8"
        frames = sum(1 for _ in container.decode(stream))
    assert frames == 2 * 10
    assert VIDEO_SECONDS >= 5


def test_written_captions_read_back_as_the_same_cues():
    cues = [Cue(0.0, 2.0, "Les villes écoutent."), Cue(2.0, 4.5, "Huit thèmes.")]
    assert read_captions(write_captions(cues).encode()) == cues

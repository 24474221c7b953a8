// The capture thread and its pipeline; see chunk_recorder.hpp. One function
// per stage, as in FFmpeg's transcode.c: read -> decode -> filter -> encode ->
// write, with EAGAIN and EOF as control flow.
#include "core/media/chunk_recorder.hpp"

#include "core/base/log.hpp"
#include "core/media/capture_clock.hpp"
#include "core/media/capture_input.hpp"
#include "core/media/chunk_writer.hpp"
#include "core/media/encode_filter.hpp"
#include "core/media/encode_stream.hpp"

extern "C" {
#include <libavutil/pixdesc.h>
}

#include <optional>
#include <vector>

namespace ov2ha::media {
namespace {

// Output stream indexes; video leads the chunk rotation.
constexpr int k_video_stream = 0;
constexpr int k_audio_stream = 1;

// One input's way to its output stream.
struct Track {
    std::unique_ptr<CaptureInput> input;
    FilterChain filter;
    StreamEncoder encoder;
    int stream = k_video_stream;
    std::int64_t next_keyframe_period =
        0; // video: the chunk period whose first frame is forced to I
};

Status validate(const CaptureSettings& settings) {
    if (settings.chunk_seconds < 1) {
        return failure("chunk length must be at least one second, not " +
                       std::to_string(settings.chunk_seconds));
    }
    if (settings.framerate < 1) {
        return failure("frame rate must be at least 1, not " + std::to_string(settings.framerate));
    }
    if (settings.resolution.width < 1 || settings.resolution.height < 1) {
        return failure("resolution " + std::to_string(settings.resolution.width) + "x" +
                       std::to_string(settings.resolution.height) + " is empty");
    }
    return success();
}

// Everything FFmpeg of one recording, created and destroyed on the capture thread.
class Pipeline {
  public:
    Pipeline(const CaptureSettings& settings, const CaptureCallbacks& callbacks,
             CaptureClock& clock)
        : m_settings(settings), m_callbacks(callbacks), m_clock(clock) {}

    // Opens, records until stopped or broken, drains and closes the last chunk.
    Status run();

  private:
    Result<Track> open_video();
    Result<Track> open_audio();
    Status capture();
    Status read(Track& track);
    Status decode(Track& track, const AVPacket* packet);
    Status filter(Track& track, AVFrame* frame);
    Status encode(Track& track, AVFrame* frame);
    Status drain();

    const CaptureSettings& m_settings;
    const CaptureCallbacks& m_callbacks;
    CaptureClock& m_clock;
    std::vector<Track> m_tracks;
    std::optional<ChunkWriter> m_writer;
    Frame m_decoded = make_frame();
    Frame m_filtered = make_frame();
};

Status Pipeline::run() {
    if (Status valid = validate(m_settings); !valid) {
        return valid;
    }
    auto video = open_video();
    if (!video) {
        return m_clock.stop_requested() ? success() : Status(video.error());
    }
    m_tracks.push_back(std::move(*video));
    if (m_settings.audio) {
        auto audio = open_audio();
        if (!audio) {
            return m_clock.stop_requested() ? success() : Status(audio.error());
        }
        m_tracks.push_back(std::move(*audio));
    }
    std::vector<const AVCodecContext*> encoders;
    for (const Track& track : m_tracks) {
        encoders.push_back(&track.encoder.context());
    }
    m_writer.emplace(ChunkWriterSettings{m_settings.chunk_folder, m_settings.first_chunk_number,
                                         m_settings.chunk_seconds},
                     std::move(encoders), m_callbacks);
    const Status captured = capture();
    const Status drained = drain();
    const Status closed = m_writer->finish();
    if (!captured) {
        return captured;
    }
    return drained ? closed : drained;
}

Result<Track> Pipeline::open_video() {
    const EncoderSettings& settings = m_settings.encoder;
    const AVPixelFormat pixel_format = av_get_pix_fmt(settings.pixel_format.c_str());
    if (pixel_format == AV_PIX_FMT_NONE) {
        return failure("FFmpeg has no pixel format called \"" + settings.pixel_format + "\"");
    }
    auto codec = StreamEncoder::find(settings.video_codec, AVMEDIA_TYPE_VIDEO);
    if (!codec) {
        return codec.error();
    }
    auto input = CaptureInput::open(CaptureRequest{"video", m_settings.video, AVMEDIA_TYPE_VIDEO,
                                                   m_settings.resolution, m_settings.framerate},
                                    m_clock);
    if (!input) {
        return input.error();
    }
    auto filter = FilterChain::video(
        *(*input)->decoder(), (*input)->time_base(),
        VideoFilterSpec{m_settings.framerate, m_settings.resolution, pixel_format},
        (*input)->name());
    if (!filter) {
        return filter.error();
    }
    auto encoder = StreamEncoder::open_video(**codec, settings, filter->sink(),
                                             ChunkWriter::needs_global_header());
    if (!encoder) {
        return encoder.error();
    }
    return Track{std::move(*input), std::move(*filter), std::move(*encoder), k_video_stream};
}

Result<Track> Pipeline::open_audio() {
    const EncoderSettings& settings = m_settings.encoder;
    auto codec = StreamEncoder::find(settings.audio_codec, AVMEDIA_TYPE_AUDIO);
    if (!codec) {
        return codec.error();
    }
    auto input = CaptureInput::open(
        CaptureRequest{"audio", *m_settings.audio, AVMEDIA_TYPE_AUDIO, {}, 0}, m_clock);
    if (!input) {
        return input.error();
    }
    auto filter =
        FilterChain::audio(*(*input)->decoder(), (*input)->time_base(),
                           AudioFilterSpec{settings.audio_sample_rate,
                                           StreamEncoder::preferred_sample_format(**codec)},
                           (*input)->name());
    if (!filter) {
        return filter.error();
    }
    auto encoder = StreamEncoder::open_audio(**codec, settings, filter->sink(),
                                             ChunkWriter::needs_global_header());
    if (!encoder) {
        return encoder.error();
    }
    if (!((*codec)->capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE)) {
        filter->set_frame_size(encoder->context().frame_size);
    }
    return Track{std::move(*input), std::move(*filter), std::move(*encoder), k_audio_stream};
}

// The read loop: always handles the input whose pending packet is due first,
// sleeping until it is due (pacing files and lavfi like ffmpeg -re).
Status Pipeline::capture() {
    m_clock.start();
    // Audio first: a live audio device buffers while the video read waits for
    // its next frame, so its first packet arrives closest to when it was heard.
    for (auto track = m_tracks.rbegin(); track != m_tracks.rend(); ++track) {
        if (Status first = read(*track); !first) {
            return first;
        }
    }
    while (!m_clock.stop_requested()) {
        Track* next = &m_tracks.front();
        for (Track& track : m_tracks) {
            if (track.input->pending_due() < next->input->pending_due()) {
                next = &track;
            }
        }
        if (!m_clock.sleep_until(next->input->pending_due())) {
            break;
        }
        if (Status decoded = decode(*next, next->input->pending()); !decoded) {
            return decoded;
        }
        if (Status more = read(*next); !more) {
            return more;
        }
    }
    return success();
}

Status Pipeline::read(Track& track) {
    auto read = track.input->read_next();
    if (!read) {
        return read.error();
    }
    if (!*read && !m_clock.stop_requested()) {
        return failure(track.input->name() + " ended before the recording was stopped");
    }
    return success();
}

// `packet` nullptr drains the decoder, then the filter and the encoder behind it.
Status Pipeline::decode(Track& track, const AVPacket* packet) {
    AVCodecContext* decoder = track.input->decoder();
    const int sent = avcodec_send_packet(decoder, packet);
    if (sent == AVERROR_INVALIDDATA) {
        log::warn("skipping a packet that does not decode", {{"input", track.input->name()}});
        return success();
    }
    if (sent < 0 && sent != AVERROR_EOF) {
        return failure("cannot decode " + track.input->name() + ": " + av_error_string(sent));
    }
    for (;;) {
        const int received = avcodec_receive_frame(decoder, m_decoded.get());
        if (received == AVERROR(EAGAIN)) {
            return success();
        }
        if (received == AVERROR_EOF) {
            return filter(track, nullptr);
        }
        if (received < 0) {
            return failure("cannot decode " + track.input->name() + ": " +
                           av_error_string(received));
        }
        m_decoded->pts = m_decoded->best_effort_timestamp;
        const Status filtered = filter(track, m_decoded.get());
        av_frame_unref(m_decoded.get());
        if (!filtered) {
            return filtered;
        }
    }
}

// `frame` nullptr ends the filter's input and then drains the encoder.
Status Pipeline::filter(Track& track, AVFrame* frame) {
    if (Status pushed = track.filter.push(frame); !pushed) {
        return pushed;
    }
    for (;;) {
        auto pulled = track.filter.pull(m_filtered.get());
        if (!pulled) {
            return pulled.error();
        }
        if (!*pulled) {
            break;
        }
        const Status encoded = encode(track, m_filtered.get());
        av_frame_unref(m_filtered.get());
        if (!encoded) {
            return encoded;
        }
    }
    return frame ? success() : encode(track, nullptr);
}

// Video frames get an I (IDR) picture at the first frame of each chunk period,
// where the writer will start the next chunk; `frame` nullptr drains.
Status Pipeline::encode(Track& track, AVFrame* frame) {
    if (frame && track.stream == k_video_stream) {
        const std::int64_t period =
            chunk_period(frame->pts, track.encoder.context().time_base, m_settings.chunk_seconds);
        frame->pict_type = AV_PICTURE_TYPE_NONE;
        if (period >= track.next_keyframe_period) {
            frame->pict_type = AV_PICTURE_TYPE_I;
            track.next_keyframe_period = period + 1;
        }
    }
    if (Status sent = track.encoder.send(frame); !sent) {
        return sent;
    }
    for (;;) {
        Packet packet = make_packet();
        auto received = track.encoder.receive(packet.get());
        if (!received) {
            return received.error();
        }
        if (!*received) {
            return success();
        }
        if (Status written = m_writer->write(track.stream, std::move(packet)); !written) {
            return written;
        }
    }
}

// After a stop or a failure: whatever is in the decoders, filters and encoders
// still goes into the last chunk.
Status Pipeline::drain() {
    Status result = success();
    for (Track& track : m_tracks) {
        Status drained = decode(track, nullptr);
        if (!drained && result) {
            result = drained;
        }
    }
    return result;
}

} // namespace

ChunkRecorder::ChunkRecorder(CaptureSettings settings, CaptureCallbacks callbacks)
    : m_settings(std::move(settings)), m_callbacks(std::move(callbacks)),
      m_clock(std::make_unique<CaptureClock>()) {}

ChunkRecorder::~ChunkRecorder() {
    request_stop();
    wait();
}

void ChunkRecorder::start() {
    if (!m_thread.joinable()) {
        m_thread = std::thread([this] { run(); });
    }
}

void ChunkRecorder::request_stop() {
    m_clock->request_stop();
}

void ChunkRecorder::wait() {
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

void ChunkRecorder::run() {
    Status status = success();
    if (!m_clock->stop_requested()) {
        Pipeline pipeline(m_settings, m_callbacks, *m_clock);
        status = pipeline.run();
    }
    if (m_callbacks.finished) {
        m_callbacks.finished(std::move(status));
    }
}

} // namespace ov2ha::media

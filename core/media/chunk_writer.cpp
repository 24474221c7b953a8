// Writing, rotating and closing chunk files; see chunk_writer.hpp.
#include "core/media/chunk_writer.hpp"

#include "core/base/log.hpp"
#include "core/chunks/chunk_names.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <new>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace ov2ha::media {
namespace {

constexpr const char* k_format = "mp4";
// Fragments of at most a second, each starting a keyframe when one comes,
// after an empty moov: a killed writer leaves a file readable up to its last
// complete fragment.
constexpr const char* k_movflags = "+frag_keyframe+empty_moov+default_base_moof";
constexpr const char* k_fragment_microseconds = "1000000";
// A stream whose packets lag the others by more than this no longer holds
// them back (a stalled input must not stall the chunks).
constexpr std::int64_t k_max_interleave_microseconds = 1'000'000;
constexpr int k_io_buffer_size = 64 * 1024;

std::string errno_text() {
    return std::strerror(errno);
}

int write_to_fd(void* opaque, std::uint8_t* data, int size) {
    const int fd = *static_cast<const int*>(opaque);
    int left = size;
    while (left > 0) {
        const ssize_t written = ::write(fd, data, static_cast<size_t>(left));
        if (written < 0 && errno == EINTR) {
            continue;
        }
        if (written < 0) {
            return AVERROR(errno);
        }
        data += written;
        left -= static_cast<int>(written);
    }
    return size;
}

std::int64_t seek_fd(void* opaque, std::int64_t offset, int whence) {
    const int fd = *static_cast<const int*>(opaque);
    if (whence & AVSEEK_SIZE) {
        struct stat status {};
        return ::fstat(fd, &status) == 0 ? status.st_size : AVERROR(errno);
    }
    const off_t position = ::lseek(fd, offset, whence & ~AVSEEK_FORCE);
    return position < 0 ? AVERROR(errno) : position;
}

// Creates `<folder>/<number>.mp4` exclusively, moving `number` past taken names.
Result<int> create_exclusively(const std::string& folder, std::uint64_t& number,
                               std::string& path) {
    for (;; ++number) {
        path = folder + "/" + chunks::chunk_file_name(number);
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd >= 0) {
            return fd;
        }
        if (errno != EEXIST) {
            return failure("cannot create chunk " + path + ": " + errno_text());
        }
        log::warn("chunk file exists already; taking the next number", {{"path", path}});
    }
}

} // namespace

std::int64_t chunk_period(std::int64_t timestamp, AVRational time_base, int chunk_seconds) {
    if (timestamp <= 0) {
        return 0;
    }
    return av_rescale_q_rnd(timestamp, time_base, AVRational{chunk_seconds, 1}, AV_ROUND_DOWN);
}

// The chunk being written. Members are destroyed bottom-up: the muxer, then its
// I/O context, then the file descriptor that the I/O context writes to.
struct ChunkWriter::OpenChunk {
    struct FileCloser {
        int fd = -1;
        ~FileCloser() {
            if (fd >= 0) {
                ::close(fd);
            }
        }
    };

    std::uint64_t number = 0;
    std::string path;
    FileCloser file;
    IoContext io;
    OutputFormat format;
    std::int64_t start_microseconds = 0;
    std::int64_t end_microseconds = 0;
};

bool ChunkWriter::needs_global_header() {
    const AVOutputFormat* format = av_guess_format(k_format, nullptr, nullptr);
    return format && (format->flags & AVFMT_GLOBALHEADER);
}

ChunkWriter::ChunkWriter(ChunkWriterSettings settings, std::vector<const AVCodecContext*> encoders,
                         const CaptureCallbacks& callbacks)
    : m_settings(std::move(settings)), m_encoders(std::move(encoders)), m_callbacks(callbacks),
      m_queues(m_encoders.size()), m_newest_microseconds(std::numeric_limits<std::int64_t>::min()),
      m_next_number(m_settings.first_number) {}

ChunkWriter::~ChunkWriter() = default;

std::int64_t ChunkWriter::microseconds(int stream, std::int64_t timestamp) const {
    return av_rescale_q(timestamp, m_encoders[stream]->time_base, AV_TIME_BASE_Q);
}

Status ChunkWriter::write(int stream, Packet packet) {
    if (!m_write_status) {
        return m_write_status;
    }
    m_newest_microseconds = std::max(m_newest_microseconds, microseconds(stream, packet->dts));
    m_queues[stream].push_back(std::move(packet));
    return release(false);
}

// Writes queued packets in time order while every stream has one queued (so
// nothing earlier can still come), or all of them when `everything`.
Status ChunkWriter::release(bool everything) {
    for (;;) {
        int earliest = -1;
        std::int64_t earliest_microseconds = 0;
        bool some_stream_empty = false;
        for (int stream = 0; stream < static_cast<int>(m_queues.size()); ++stream) {
            if (m_queues[stream].empty()) {
                some_stream_empty = true;
                continue;
            }
            const std::int64_t at = microseconds(stream, m_queues[stream].front()->dts);
            if (earliest < 0 || at < earliest_microseconds) {
                earliest = stream;
                earliest_microseconds = at;
            }
        }
        if (earliest < 0) {
            return success();
        }
        if (!everything && some_stream_empty &&
            m_newest_microseconds - earliest_microseconds < k_max_interleave_microseconds) {
            return success();
        }
        Packet packet = std::move(m_queues[earliest].front());
        m_queues[earliest].pop_front();
        if (Status written = write_one(earliest, packet.get()); !written) {
            m_write_status = written;
            return written;
        }
    }
}

Status ChunkWriter::write_one(int stream, AVPacket* packet) {
    const AVRational time_base = m_encoders[stream]->time_base;
    const bool starts_next_chunk =
        m_chunk && stream == 0 && (packet->flags & AV_PKT_FLAG_KEY) &&
        chunk_period(packet->pts, time_base, m_settings.chunk_seconds) >= m_next_period;
    if (starts_next_chunk) {
        if (Status closed = close_chunk(); !closed) {
            return closed;
        }
    }
    // Audio priming samples sit before zero; the media itself starts there.
    const std::int64_t start = std::max<std::int64_t>(0, microseconds(stream, packet->pts));
    const std::int64_t end = microseconds(stream, packet->pts + packet->duration);
    if (!m_chunk) {
        if (Status opened = open_chunk(start); !opened) {
            return opened;
        }
        m_next_period = chunk_period(packet->pts, time_base, m_settings.chunk_seconds) + 1;
    }
    m_chunk->start_microseconds = std::min(m_chunk->start_microseconds, start);
    m_chunk->end_microseconds = std::max(m_chunk->end_microseconds, end);

    AVFormatContext* format = m_chunk->format.get();
    av_packet_rescale_ts(packet, time_base, format->streams[stream]->time_base);
    packet->stream_index = stream;
    const int written = av_write_frame(format, packet);
    if (written < 0) {
        return failure("cannot write chunk " + m_chunk->path + ": " + av_error_string(written));
    }
    return success();
}

Status ChunkWriter::open_chunk(std::int64_t start_microseconds) {
    auto chunk = std::make_unique<OpenChunk>();
    auto fd = create_exclusively(m_settings.folder, m_next_number, chunk->path);
    if (!fd) {
        return fd.error();
    }
    chunk->number = m_next_number++;
    chunk->file.fd = *fd;
    chunk->start_microseconds = start_microseconds;
    chunk->end_microseconds = start_microseconds;

    // From here on a failure leaves no half-made chunk behind.
    const auto abandon = [&](const std::string& words) {
        ::unlink(chunk->path.c_str());
        return failure("cannot start chunk " + chunk->path + ": " + words);
    };
    auto* buffer = static_cast<unsigned char*>(av_malloc(k_io_buffer_size));
    if (!buffer) {
        throw std::bad_alloc();
    }
    chunk->io.reset(avio_alloc_context(buffer, k_io_buffer_size, 1, &chunk->file.fd, nullptr,
                                       &write_to_fd, &seek_fd));
    if (!chunk->io) {
        av_free(buffer);
        throw std::bad_alloc();
    }
    AVFormatContext* raw = nullptr;
    const int allocated = avformat_alloc_output_context2(&raw, nullptr, k_format, nullptr);
    if (allocated < 0) {
        return abandon(av_error_string(allocated));
    }
    chunk->format.reset(raw);
    raw->pb = chunk->io.get();
    raw->flags |= AVFMT_FLAG_CUSTOM_IO;
    raw->flush_packets = 1;
    for (const AVCodecContext* encoder : m_encoders) {
        AVStream* stream = avformat_new_stream(raw, nullptr);
        if (!stream) {
            throw std::bad_alloc();
        }
        const int copied = avcodec_parameters_from_context(stream->codecpar, encoder);
        if (copied < 0) {
            return abandon(av_error_string(copied));
        }
        stream->time_base = encoder->time_base;
    }
    Dictionary options =
        make_dictionary({{"movflags", k_movflags}, {"frag_duration", k_fragment_microseconds}});
    const int header = lend_dictionary(
        options, [&](AVDictionary** dictionary) { return avformat_write_header(raw, dictionary); });
    if (header < 0) {
        return abandon(av_error_string(header));
    }
    avio_flush(raw->pb);
    if (raw->pb->error < 0) {
        return abandon(av_error_string(raw->pb->error));
    }
    m_chunk = std::move(chunk);
    log::debug("chunk opened", {{"path", m_chunk->path}});
    if (m_callbacks.chunk_opened) {
        m_callbacks.chunk_opened(ChunkEvent{m_chunk->number, m_chunk->path,
                                            static_cast<double>(start_microseconds) / 1e6});
    }
    return success();
}

Status ChunkWriter::close_chunk() {
    std::unique_ptr<OpenChunk> chunk = std::move(m_chunk);
    std::string problem;
    const int trailer = av_write_trailer(chunk->format.get());
    if (trailer < 0) {
        problem = av_error_string(trailer);
    }
    avio_flush(chunk->io.get());
    if (problem.empty() && chunk->io->error < 0) {
        problem = av_error_string(chunk->io->error);
    }
    chunk->format.reset();
    chunk->io.reset();
    const int fd = std::exchange(chunk->file.fd, -1);
    if (::close(fd) != 0 && problem.empty()) {
        problem = errno_text();
    }
    const ChunkEvent event{
        chunk->number, chunk->path,
        static_cast<double>(chunk->end_microseconds - chunk->start_microseconds) / 1e6};
    log::debug("chunk closed", {{"path", chunk->path}});
    if (m_callbacks.chunk_closed) {
        m_callbacks.chunk_closed(event);
    }
    if (!problem.empty()) {
        return failure("cannot finish chunk " + chunk->path + ": " + problem);
    }
    return success();
}

Status ChunkWriter::finish() {
    Status released = m_write_status ? release(true) : m_write_status;
    if (!m_chunk) {
        return released;
    }
    Status closed = close_chunk();
    return released ? closed : released;
}

} // namespace ov2ha::media

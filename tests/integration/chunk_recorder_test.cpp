// ChunkRecorder against lavfi sources, judged by ffprobe and ffmpeg: chunk
// layout and keyframes, numbering, input errors, stop latency, SIGKILL.
#include "core/chunks/chunk_folder.hpp"
#include "core/media/chunk_recorder.hpp"
#include "tests/support/media_tools.hpp"
#include "tests/support/process.hpp"

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <mutex>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace ov2ha::media {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

CaptureSettings small_lavfi_settings(const std::string& folder, int chunk_seconds) {
    CaptureSettings settings;
    settings.video = {"lavfi", "testsrc2=size=320x240:rate=25"};
    settings.audio = MediaInput{"lavfi", "sine=frequency=440:sample_rate=48000"};
    settings.resolution = {320, 240};
    settings.framerate = 25;
    settings.chunk_seconds = chunk_seconds;
    settings.chunk_folder = folder;
    return settings;
}

// Collects what the capture thread reports, for the test thread to wait on.
class Events {
  public:
    CaptureCallbacks callbacks() {
        CaptureCallbacks callbacks;
        callbacks.chunk_opened = [this](const ChunkEvent& event) {
            std::lock_guard lock(m_mutex);
            m_opened.push_back(event);
            m_changed.notify_all();
        };
        callbacks.chunk_closed = [this](const ChunkEvent& event) {
            std::lock_guard lock(m_mutex);
            m_closed.push_back(event);
            m_changed.notify_all();
        };
        callbacks.finished = [this](Status status) {
            std::lock_guard lock(m_mutex);
            m_finished_count += 1;
            m_finished = std::move(status);
            m_finished_at = Clock::now();
            m_changed.notify_all();
        };
        return callbacks;
    }

    bool wait_for_opened(std::size_t count, std::chrono::seconds limit) {
        std::unique_lock lock(m_mutex);
        return m_changed.wait_for(lock, limit, [&] { return m_opened.size() >= count; });
    }

    bool wait_for_finished(std::chrono::seconds limit) {
        std::unique_lock lock(m_mutex);
        return m_changed.wait_for(lock, limit, [&] { return m_finished.has_value(); });
    }

    std::vector<ChunkEvent> opened() const {
        std::lock_guard lock(m_mutex);
        return m_opened;
    }
    std::vector<ChunkEvent> closed() const {
        std::lock_guard lock(m_mutex);
        return m_closed;
    }
    Status finished() const {
        std::lock_guard lock(m_mutex);
        return *m_finished;
    }
    int finished_count() const {
        std::lock_guard lock(m_mutex);
        return m_finished_count;
    }
    Clock::time_point finished_at() const {
        std::lock_guard lock(m_mutex);
        return m_finished_at;
    }

  private:
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::vector<ChunkEvent> m_opened;
    std::vector<ChunkEvent> m_closed;
    std::optional<Status> m_finished;
    int m_finished_count = 0;
    Clock::time_point m_finished_at;
};

std::string probe(const std::string& path, const std::vector<std::string>& arguments) {
    std::vector<std::string> argv = {"ffprobe", "-v", "error"};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    argv.push_back(path);
    return test::run(argv).out;
}

// The flags of the first video packet ("K_" for a keyframe).
std::string first_video_packet_flags(const std::string& path) {
    return probe(path, {"-select_streams", "v:0", "-read_intervals", "%+#1", "-show_entries",
                        "packet=flags", "-of", "csv=p=0"});
}

// How many video frames decode, counted by ffprobe.
int decoded_video_frames(const std::string& path) {
    return std::atoi(probe(path, {"-count_frames", "-select_streams", "v:0", "-show_entries",
                                  "stream=nb_read_frames", "-of", "csv=p=0"})
                         .c_str());
}

std::vector<chunks::ChunkFile> chunks_in(const std::string& folder) {
    auto listed = chunks::list_chunk_folder(folder);
    EXPECT_TRUE(listed) << listed.message();
    return listed ? *listed : std::vector<chunks::ChunkFile>{};
}

TEST(ChunkRecorder, WritesKeyframeStartedChunksOfTheChunkLength) {
    OV2HA_REQUIRE_PROGRAM("ffmpeg");
    OV2HA_REQUIRE_PROGRAM("ffprobe");
    test::TempDir dir;
    Events events;
    ChunkRecorder recorder(small_lavfi_settings(dir.path(), 2), events.callbacks());
    recorder.start();
    std::this_thread::sleep_for(5300ms);
    recorder.request_stop();
    ASSERT_TRUE(events.wait_for_finished(10s));
    recorder.wait();
    ASSERT_TRUE(events.finished()) << events.finished().message();
    EXPECT_EQ(events.finished_count(), 1);

    const auto files = chunks_in(dir.path());
    ASSERT_EQ(files.size(), 3u);
    const auto opened = events.opened();
    const auto closed = events.closed();
    ASSERT_EQ(opened.size(), 3u);
    ASSERT_EQ(closed.size(), 3u);
    for (std::size_t i = 0; i < files.size(); ++i) {
        const std::string& path = files[i].path;
        SCOPED_TRACE(path);
        EXPECT_EQ(files[i].number, i + 1);
        EXPECT_EQ(opened[i].path, path);
        EXPECT_EQ(closed[i].path, path);
        EXPECT_EQ(test::stream_types(path), (std::vector<std::string>{"video", "audio"}));
        EXPECT_EQ(first_video_packet_flags(path).substr(0, 1), "K");
        EXPECT_EQ(test::decode_complaints(path), "");
        const double duration = test::probe_duration(path);
        EXPECT_NEAR(closed[i].media_seconds, duration, 0.1);
        if (i + 1 < files.size()) {
            EXPECT_NEAR(duration, 2.0, 0.1);
            EXPECT_NEAR(opened[i + 1].media_seconds, 2.0 * static_cast<double>(i + 1), 0.05);
        } else {
            EXPECT_NEAR(duration, 1.3, 0.4);
        }
    }
}

TEST(ChunkRecorder, StartsAtTheFirstNumberAndNeverOverwritesAChunk) {
    OV2HA_REQUIRE_PROGRAM("ffprobe");
    test::TempDir dir;
    std::ofstream(dir / "0006.mp4") << "someone else's chunk";
    auto settings = small_lavfi_settings(dir.path(), 1);
    settings.first_chunk_number = 5;
    Events events;
    ChunkRecorder recorder(settings, events.callbacks());
    recorder.start();
    ASSERT_TRUE(events.wait_for_opened(3, 10s));
    recorder.request_stop();
    ASSERT_TRUE(events.wait_for_finished(10s));
    recorder.wait();
    ASSERT_TRUE(events.finished()) << events.finished().message();

    EXPECT_EQ(test::slurp(dir / "0006.mp4"), "someone else's chunk");
    const auto opened = events.opened();
    ASSERT_GE(opened.size(), 3u);
    EXPECT_EQ(opened[0].number, 5u);
    EXPECT_EQ(opened[1].number, 7u);
    EXPECT_EQ(opened[2].number, 8u);
    for (const auto& event : opened) {
        EXPECT_EQ(event.path, dir / chunks::chunk_file_name(event.number));
        EXPECT_EQ(first_video_packet_flags(event.path).substr(0, 1), "K") << event.path;
    }
}

// An X display number with no server and no lock file.
int free_display() {
    for (int number = 90; number < 200; ++number) {
        if (!std::filesystem::exists("/tmp/.X" + std::to_string(number) + "-lock") &&
            !std::filesystem::exists("/tmp/.X11-unix/X" + std::to_string(number))) {
            return number;
        }
    }
    return -1;
}

TEST(ChunkRecorder, CapturesAnXDisplayAtTheResolution) {
    OV2HA_REQUIRE_PROGRAM("Xvfb");
    OV2HA_REQUIRE_PROGRAM("ffmpeg");
    OV2HA_REQUIRE_PROGRAM("ffprobe");
    test::TempDir dir;
    const int display = free_display();
    ASSERT_GE(display, 0);
    test::Background xvfb({"Xvfb", ":" + std::to_string(display), "-screen", "0", "640x480x24"}, {},
                          dir.path());
    const std::string socket = "/tmp/.X11-unix/X" + std::to_string(display);
    for (int i = 0; i < 100 && !std::filesystem::exists(socket); ++i) {
        std::this_thread::sleep_for(50ms);
    }
    ASSERT_TRUE(std::filesystem::exists(socket)) << xvfb.stderr_text();

    const std::string chunks = dir / "chunks";
    std::filesystem::create_directory(chunks);
    auto settings = small_lavfi_settings(chunks, 1);
    settings.video = {"x11grab", ":" + std::to_string(display) + ".0"};
    Events events;
    ChunkRecorder recorder(settings, events.callbacks());
    recorder.start();
    ASSERT_TRUE(events.wait_for_opened(2, 10s));
    recorder.request_stop();
    ASSERT_TRUE(events.wait_for_finished(10s));
    recorder.wait();
    xvfb.signal(SIGTERM); // lets it remove its lock file and socket
    xvfb.wait(5);
    ASSERT_TRUE(events.finished()) << events.finished().message();
    for (const auto& file : chunks_in(chunks)) {
        SCOPED_TRACE(file.path);
        EXPECT_EQ(probe(file.path, {"-select_streams", "v:0", "-show_entries",
                                    "stream=width,height,pix_fmt", "-of", "csv=p=0"}),
                  "320,240,yuv420p\n");
        EXPECT_EQ(first_video_packet_flags(file.path).substr(0, 1), "K");
        EXPECT_EQ(test::decode_complaints(file.path), "");
    }
}

TEST(ChunkRecorder, AFileIsPacedAndItsEndClosesTheChunkAndFails) {
    OV2HA_REQUIRE_PROGRAM("ffmpeg");
    OV2HA_REQUIRE_PROGRAM("ffprobe");
    test::TempDir dir;
    const std::string source = dir / "source.mkv";
    ASSERT_EQ(test::run({"ffmpeg", "-v", "error", "-f", "lavfi", "-i",
                         "testsrc2=size=160x120:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
                         "-t", "2.5", "-c:v", "libx264", "-c:a", "aac", source})
                  .exit_code,
              0);
    const std::string chunks = dir / "chunks";
    std::filesystem::create_directory(chunks);
    auto settings = small_lavfi_settings(chunks, 1);
    settings.video = {"file", source};
    settings.audio = MediaInput{"file", source};
    Events events;
    ChunkRecorder recorder(settings, events.callbacks());
    const auto started = Clock::now();
    recorder.start();
    ASSERT_TRUE(events.wait_for_finished(10s));
    recorder.wait();
    EXPECT_GT(events.finished_at() - started, 2s) << "a file is read at its own pace, not at once";
    ASSERT_FALSE(events.finished());
    EXPECT_NE(events.finished().message().find("input file:" + source +
                                               " ended before the recording was stopped"),
              std::string::npos)
        << events.finished().message();
    const auto files = chunks_in(chunks);
    ASSERT_EQ(files.size(), 3u);
    EXPECT_EQ(events.closed().size(), 3u);
    double total = 0;
    for (const auto& file : files) {
        EXPECT_EQ(first_video_packet_flags(file.path).substr(0, 1), "K") << file.path;
        EXPECT_EQ(test::decode_complaints(file.path), "") << file.path;
        total += test::probe_duration(file.path);
    }
    EXPECT_NEAR(total, 2.5, 0.15);
}

TEST(ChunkRecorder, AnInputThatCannotBeOpenedIsNamedInTheFailure) {
    test::TempDir dir;
    const std::vector<std::pair<MediaInput, std::string>> cases = {
        {{"file", "/nonexistent/video.mp4"},
         "cannot open video input file:/nonexistent/video.mp4: No such file or directory; "
         "check --video-input"},
        {{"nosuchformat", "x"},
         "cannot open video input nosuchformat:x: FFmpeg has no input format called "
         "\"nosuchformat\"; check --video-input"},
        {{"lavfi", "sine"}, "video input lavfi:sine has no video stream"},
    };
    for (const auto& [input, words] : cases) {
        auto settings = small_lavfi_settings(dir.path(), 2);
        settings.video = input;
        Events events;
        ChunkRecorder recorder(settings, events.callbacks());
        recorder.start();
        ASSERT_TRUE(events.wait_for_finished(10s));
        recorder.wait();
        ASSERT_FALSE(events.finished());
        EXPECT_NE(events.finished().message().find(words), std::string::npos)
            << events.finished().message();
        EXPECT_TRUE(events.opened().empty());
    }
    auto settings = small_lavfi_settings(dir.path(), 2);
    settings.audio = MediaInput{"lavfi", "testsrc2"};
    Events events;
    ChunkRecorder recorder(settings, events.callbacks());
    recorder.start();
    ASSERT_TRUE(events.wait_for_finished(10s));
    ASSERT_FALSE(events.finished());
    EXPECT_NE(events.finished().message().find("audio input lavfi:testsrc2 has no audio stream"),
              std::string::npos)
        << events.finished().message();
    EXPECT_TRUE(chunks_in(dir.path()).empty());
}

TEST(ChunkRecorder, StopIsHonouredWithinHalfASecond) {
    OV2HA_REQUIRE_PROGRAM("ffmpeg");
    OV2HA_REQUIRE_PROGRAM("ffprobe");
    test::TempDir dir;
    Events events;
    ChunkRecorder recorder(small_lavfi_settings(dir.path(), 10), events.callbacks());
    recorder.start();
    ASSERT_TRUE(events.wait_for_opened(1, 10s));
    std::this_thread::sleep_for(500ms);
    const auto requested = Clock::now();
    recorder.request_stop();
    ASSERT_TRUE(events.wait_for_finished(10s));
    EXPECT_LT(events.finished_at() - requested, 500ms);
    recorder.wait();
    ASSERT_TRUE(events.finished()) << events.finished().message();
    ASSERT_EQ(events.closed().size(), 1u);
    EXPECT_EQ(test::decode_complaints(events.closed()[0].path), "");
}

// A loopback TCP port that nothing listens on (the kernel's pick, released).
int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), length), 0);
    EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
    ::close(fd);
    return ntohs(address.sin_port);
}

TEST(ChunkRecorder, StopInterruptsAnInputThatBlocks) {
    test::TempDir dir;
    auto settings = small_lavfi_settings(dir.path(), 10);
    // Opening a listening TCP input blocks until a peer connects; none will.
    settings.video = {"file", "tcp://127.0.0.1:" + std::to_string(free_port()) + "?listen=1"};
    Events events;
    ChunkRecorder recorder(settings, events.callbacks());
    recorder.start();
    std::this_thread::sleep_for(300ms);
    const auto requested = Clock::now();
    recorder.request_stop();
    ASSERT_TRUE(events.wait_for_finished(10s));
    EXPECT_LT(events.finished_at() - requested, 500ms);
    recorder.wait();
    EXPECT_TRUE(events.finished()) << events.finished().message();
    EXPECT_TRUE(chunks_in(dir.path()).empty());
}

// The child records until killed; it writes one byte to `report` when its
// first chunk is opened and never returns.
[[noreturn]] void record_until_killed(const std::string& folder, int report) {
    Events events;
    ChunkRecorder recorder(small_lavfi_settings(folder, 30), events.callbacks());
    recorder.start();
    if (events.wait_for_opened(1, 10s)) {
        const char byte = 1;
        (void)!::write(report, &byte, 1);
    }
    std::this_thread::sleep_for(60s);
    ::_exit(3);
}

TEST(ChunkRecorder, AChunkSurvivesItsWriterBeingKilled) {
    OV2HA_REQUIRE_PROGRAM("ffmpeg");
    OV2HA_REQUIRE_PROGRAM("ffprobe");
    test::TempDir dir;
    int report[2];
    ASSERT_EQ(::pipe(report), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(report[0]);
        ::dup2(::open((dir / "child.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 2);
        record_until_killed(dir.path(), report[1]);
    }
    ::close(report[1]);
    pollfd ready{report[0], POLLIN, 0};
    const bool opened = ::poll(&ready, 1, 10'000) == 1;
    const auto opened_at = Clock::now();
    ::close(report[0]);
    if (opened) {
        std::this_thread::sleep_for(3700ms);
    }
    const double recorded = std::chrono::duration<double>(Clock::now() - opened_at).count();
    ::kill(child, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(opened) << test::slurp(dir / "child.log");
    ASSERT_TRUE(WIFSIGNALED(status));

    const auto files = chunks_in(dir.path());
    ASSERT_EQ(files.size(), 1u);
    const std::string& path = files[0].path;
    EXPECT_EQ(test::stream_types(path), (std::vector<std::string>{"video", "audio"}));
    EXPECT_EQ(first_video_packet_flags(path).substr(0, 1), "K");
    // Complete fragments reach the disk as they close (every second at most);
    // only the fragment being built and the frames inside the encoder are lost.
    const double duration = test::probe_duration(path);
    EXPECT_GE(duration, recorded - 1.5) << "recorded " << recorded << " s";
    EXPECT_LE(duration, recorded + 0.5) << "recorded " << recorded << " s";
    EXPECT_GE(decoded_video_frames(path), static_cast<int>((recorded - 1.5) * 25));
    // Each fragment is written in one burst, so the kill lands between writes
    // and the file decodes without a word. A kill inside a burst would tear
    // the last fragment: ffmpeg then reports a partial file and undecodable
    // data at the tail, and nothing else.
    std::istringstream complaints(test::decode_complaints(path));
    for (std::string line; std::getline(complaints, line);) {
        const bool torn_tail = line.find("partial file") != std::string::npos ||
                               line.find("Invalid NAL unit size") != std::string::npos ||
                               line.find("missing picture in access unit") != std::string::npos ||
                               line.find("Error splitting the input") != std::string::npos ||
                               line.find("Input buffer exhausted") != std::string::npos ||
                               line.find("Invalid data found") != std::string::npos;
        EXPECT_TRUE(torn_tail) << "decode complaint beyond a torn tail: " << line;
    }
}

} // namespace
} // namespace ov2ha::media

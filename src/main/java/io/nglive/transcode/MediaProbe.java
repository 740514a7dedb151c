package io.nglive.transcode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Reads what a media file contains with ffprobe: used to learn a recording's duration while it is transcoded (for
 * the progress percentage), and by the tests to check what a transcode produced.
 */
public final class MediaProbe {

    /** ffprobe reads headers and, for the bitrate fallback, packet sizes; a minute means it is stuck. */
    private static final long TIMEOUT_SECONDS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String ffprobe;

    public MediaProbe(String ffprobe) {
        this.ffprobe = ffprobe;
    }

    /** One stream of a file; numbers ffprobe did not report are 0. */
    public record Stream(int index, String type, String codec, long bitRate, double durationSeconds) {
    }

    /** A file's container duration (0 when unknown) and its streams in file order. */
    public record Info(double durationSeconds, List<Stream> streams) {

        /** The first stream of a type ({@code video}, {@code audio}). */
        public Optional<Stream> first(String type) {
            return streams.stream().filter(s -> s.type().equals(type)).findFirst();
        }

        /** The codec of the first video stream ({@code h264}, {@code hevc}; {@code unknown} when ffmpeg has no decoder). */
        public Optional<String> videoCodec() {
            return first("video").map(Stream::codec);
        }

        /** The codec of the first audio stream. */
        public Optional<String> audioCodec() {
            return first("audio").map(Stream::codec);
        }
    }

    /** The streams and duration of {@code file}. */
    public Info probe(Path file) throws IOException {
        JsonNode root = JSON.readTree(run(List.of(ffprobe, "-v", "error",
                "-show_entries", "format=duration:stream=index,codec_type,codec_name,bit_rate,duration",
                "-of", "json", file.toString())));
        List<Stream> streams = new ArrayList<>();
        for (JsonNode s : root.path("streams")) {
            streams.add(new Stream(s.path("index").asInt(), s.path("codec_type").asText(""),
                    s.path("codec_name").asText("unknown"), s.path("bit_rate").asLong(0),
                    s.path("duration").asDouble(0)));
        }
        return new Info(root.path("format").path("duration").asDouble(0), List.copyOf(streams));
    }

    /** A video's picture size in pixels. */
    public record Size(int width, int height) {
    }

    /** The picture size of the first video stream of {@code file}; empty when it has none. */
    public Optional<Size> videoSize(Path file) throws IOException {
        JsonNode streams = JSON.readTree(run(List.of(ffprobe, "-v", "error", "-select_streams", "v:0",
                "-show_entries", "stream=width,height", "-of", "json", file.toString()))).path("streams");
        for (JsonNode s : streams) {
            if (s.path("width").asInt(0) > 0 && s.path("height").asInt(0) > 0) {
                return Optional.of(new Size(s.path("width").asInt(), s.path("height").asInt()));
            }
        }
        return Optional.empty();
    }

    /** The container duration of {@code file} in seconds, or 0 when ffprobe cannot tell (unreadable file). */
    public double durationSeconds(Path file) {
        try {
            return probe(file).durationSeconds();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * The bitrate of the first video stream in bits per second. MP4 reports it directly; containers that do not
     * (FLV) get it computed from the sizes of the stream's packets over the file's duration.
     */
    public long videoBitrate(Path file) throws IOException {
        Info info = probe(file);
        Stream video = info.first("video").orElseThrow(() -> new IOException("no video stream in " + file));
        if (video.bitRate() > 0) {
            return video.bitRate();
        }
        double seconds = video.durationSeconds() > 0 ? video.durationSeconds() : info.durationSeconds();
        if (seconds <= 0) {
            throw new IOException("ffprobe knows no duration for " + file);
        }
        long bytes = run(List.of(ffprobe, "-v", "error", "-select_streams", "v:0",
                "-show_entries", "packet=size", "-of", "csv=p=0", file.toString()))
                .lines().map(String::strip).filter(l -> !l.isEmpty()).mapToLong(Long::parseLong).sum();
        return Math.round(bytes * 8 / seconds);
    }

    /**
     * Runs ffprobe with both outputs going to temporary files: nothing to pump, so neither pipe can fill, and a
     * stuck ffprobe is simply killed at the timeout.
     */
    private static String run(List<String> command) throws IOException {
        Path out = Files.createTempFile("nglive-ffprobe", ".out");
        Path err = Files.createTempFile("nglive-ffprobe", ".err");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            process.getOutputStream().close();
            try {
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IOException("ffprobe did not answer within " + TIMEOUT_SECONDS + "s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for ffprobe", e);
            } finally {
                process.destroyForcibly();
            }
            if (process.exitValue() != 0) {
                throw new IOException("ffprobe exited with code " + process.exitValue() + ": "
                        + Files.readString(err, StandardCharsets.UTF_8).strip());
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}

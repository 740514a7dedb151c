package io.nglive.webhook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.nglive.events.EventLog;
import io.nglive.journal.JobJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds recordings whose FileClosed never arrived (the recorder drops a webhook after three tries in about three
 * seconds) and creates their jobs as a FileClosed would, with a {@code FileClosed} event marked
 * {@code "recovered": true}. A file is taken only when it is an {@code .flv} under the works path, has no job,
 * is not open (announced by a FileOpening and not closed, unless the recorder says its room is not recording), was
 * not modified for at least one scan interval, and was seen unchanged by the previous scan. Files older than nglive's first start are an archive nglive
 * never knew, and are left alone.
 */
public final class RecordingScan {

    private static final Logger LOG = LoggerFactory.getLogger(RecordingScan.class);
    /** The recorder's default file name: {@code 录制-<roomId>-<yyyyMMdd>-<HHmmss>-<fff>-<title>.flv}. */
    private static final Pattern DEFAULT_NAME = Pattern.compile("^录制-(\\d+)-\\d{8}-\\d{6}-\\d{3}-(.*)\\.flv$",
            Pattern.CASE_INSENSITIVE);
    private static final int MAX_DEPTH = 8;

    /** Whether the recorder reports a room as not recording right now (so none of its files can be open). */
    public interface RoomIdle {
        boolean idle(long roomId);
    }

    private final WorksPath works;
    private final List<Path> excluded;
    private final JobJournal journal;
    private final EventLog events;
    private final OpenRecordings open;
    private final RoomIdle roomIdle;
    private final Duration quiet;
    private final Supplier<Instant> firstStart;
    /** Files the previous scan found quiet and without a job. */
    private volatile Map<String, Seen> seenBefore = Map.of();

    /**
     * @param excluded   folders inside the works path that are nglive's own (outputs, archive, data)
     * @param quiet      how long a file must be unmodified: the scan interval
     * @param firstStart when nglive first started with this database
     */
    public RecordingScan(WorksPath works, List<Path> excluded, JobJournal journal, EventLog events,
                         OpenRecordings open, RoomIdle roomIdle, Duration quiet, Supplier<Instant> firstStart) {
        this.works = works;
        // a folder of nglive's that is the works path itself would exclude everything: only folders inside it count
        this.excluded = excluded.stream().map(p -> p.toAbsolutePath().normalize())
                .filter(p -> !p.equals(works.root())).toList();
        this.journal = journal;
        this.events = events;
        this.open = open;
        this.roomIdle = roomIdle;
        this.quiet = quiet;
        this.firstStart = firstStart;
    }

    /**
     * One scan; returns the ids of the jobs it created, for the pipeline. A file is taken only when the previous scan
     * saw it with the same size and modification time, besides being quiet by the clock: a file on a share whose
     * clock lags nglive's is never taken while it grows.
     */
    public List<Long> scan() {
        Instant settled = Instant.now().minus(quiet);
        Instant installed = firstStart.get();
        Map<String, Long> openFiles = open.all();
        Map<String, Path> candidates = new LinkedHashMap<>();
        Map<String, Seen> seenNow = new HashMap<>();
        for (Path file : recordings()) {
            String relative = relative(file);
            Optional<Seen> seen = Seen.of(file);
            if (seen.isEmpty() || seen.get().modified().isAfter(settled) || seen.get().modified().isBefore(installed)) {
                continue;
            }
            Long room = openFiles.get(relative);
            if (room != null && !roomIdle.idle(room)) {
                continue;
            }
            seenNow.put(relative, seen.get());
            if (seen.get().equals(seenBefore.get(relative))) {
                candidates.put(relative, file);
            }
        }
        Set<String> known = journal.withJobs(seenNow.keySet());
        known.forEach(seenNow::remove);
        seenBefore = seenNow;
        List<Long> created = new ArrayList<>();
        for (Map.Entry<String, Path> candidate : candidates.entrySet()) {
            if (!known.contains(candidate.getKey())) {
                recover(candidate.getKey(), candidate.getValue(), seenNow.get(candidate.getKey()))
                        .ifPresent(created::add);
            }
        }
        return created;
    }

    /** What a scan saw of a file: its size and modification time. */
    private record Seen(long size, Instant modified) {
        static Optional<Seen> of(Path file) {
            try {
                return Optional.of(new Seen(Files.size(file), Files.getLastModifiedTime(file).toInstant()));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
    }

    private Optional<Long> recover(String relative, Path file, Seen seen) {
        long size;
        try {
            works.resolve(relative);
            if (!Seen.of(file).map(seen::equals).orElse(false)) {
                return Optional.empty();
            }
            size = seen.size();
        } catch (WebhookRejected e) {
            LOG.debug("scan skips {}: {}", relative, e.getMessage());
            return Optional.empty();
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        Long roomId = roomId(relative);
        fields.put("roomId", roomId);
        fields.put("file", relative);
        fields.put("fileSize", size);
        String title = title(relative);
        fields.put("title", title);
        fields.put("recovered", true);
        Optional<Long> job = events.record("FileClosed", fields, SourceIds.scan(relative), (c, seq) -> {
            open.closed(c, relative);
            return journal.create(c, seq, roomId, null, relative, title, null);
        }).extra();
        if (job != null && job.isPresent()) {
            LOG.warn("found {} with no FileClosed from the recorder (the webhook was lost): job {} created",
                    relative, job.get());
            return job;
        }
        return Optional.empty();
    }

    private List<Path> recordings() {
        List<Path> found = new ArrayList<>();
        try {
            Files.walkFileTree(works.root(), EnumSet.noneOf(FileVisitOption.class), MAX_DEPTH,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                            boolean ours = excluded.stream().anyMatch(dir::startsWith) && !dir.equals(works.root());
                            boolean hidden = !dir.equals(works.root()) && dir.getFileName().toString().startsWith(".");
                            return ours || hidden ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            String name = file.getFileName().toString();
                            if (attrs.isRegularFile() && !name.startsWith(".")
                                    && name.toLowerCase(Locale.ROOT).endsWith(".flv")) {
                                found.add(file);
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            LOG.debug("scan cannot read {}: {}", file, e.getMessage());
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scan the works path " + works.root(), e);
        }
        return found;
    }

    private String relative(Path file) {
        return works.root().relativize(file).toString().replace('\\', '/');
    }

    /** The room id, when the recorder's default file name template was used; null otherwise. */
    static Long roomId(String relative) {
        String[] parts = relative.split("/");
        Matcher name = DEFAULT_NAME.matcher(parts[parts.length - 1]);
        return name.matches() ? parse(name.group(1)) : null;
    }

    static String title(String relative) {
        String[] parts = relative.split("/");
        Matcher name = DEFAULT_NAME.matcher(parts[parts.length - 1]);
        return name.matches() ? name.group(2) : null;
    }

    private static Long parse(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

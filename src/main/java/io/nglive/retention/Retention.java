package io.nglive.retention;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.nglive.events.EventLog;
import io.nglive.journal.JobJournal;
import io.nglive.pipeline.Artifacts;
import io.nglive.pipeline.FileRoots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps free space on the works path's and the out path's file systems ({@code nglive.retention.min-free}): while
 * one is below it, the local files of the oldest DONE job that has files there are deleted, and the space measured
 * again. Only a DONE job's recorded files (its artifacts) under those two paths are deleted, so neither a recording
 * being written nor a job still in the pipeline is ever touched.
 */
public final class Retention {

    public static final String EVENT = "RecordingDeleted";

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    private static final int PAGE = 100;

    /** A file system: which one it is, its free bytes (as nglive may use them) and its size. */
    public record Space(Object store, long free, long total) {
    }

    /** Measures the file system a path is on. */
    public interface Disks {
        Space of(Path path) throws IOException;
    }

    /** The real file systems. */
    public static final Disks FILE_STORES = path -> {
        FileStore store = Files.getFileStore(path);
        return new Space(store, store.getUsableSpace(), store.getTotalSpace());
    };

    /** A job's file that is there: its path as the journal has it, its size, and its file system. */
    private record LocalFile(String recorded, Path path, long size, Object store) {
    }

    private final JobJournal journal;
    private final EventLog events;
    private final FileRoots roots;
    private final RetentionSettings settings;
    private final Disks disks;
    /** Jobs a dry run reported: each once while nglive runs, not at every check. */
    private final Set<Long> reported = new HashSet<>();
    /** The last shortage that no job could relieve, so that it is logged when it changes, not at every check. */
    private Set<Path> unrelieved = Set.of();

    public Retention(JobJournal journal, EventLog events, FileRoots roots, RetentionSettings settings, Disks disks) {
        this.journal = journal;
        this.events = events;
        this.roots = roots;
        this.settings = settings;
        this.disks = disks;
    }

    /**
     * Deletes the files of the oldest DONE jobs while free space is short (a dry run only reports what it would
     * delete); returns those jobs. The {@code retention} route calls it every {@code nglive.retention.interval}.
     */
    public synchronized List<Long> check() {
        List<Long> done = new ArrayList<>();
        if (settings.minFree().off()) {
            return done;
        }
        // a dry run deletes nothing, so it counts what it would have freed on each file system
        Map<Object, Long> wouldFree = new HashMap<>();
        List<Long> page = List.of();
        int next = 0;
        long after = 0;
        try {
            while (true) {
                Map<Object, Path> low = low(wouldFree);
                if (low.isEmpty()) {
                    unrelieved = Set.of();
                    return done;
                }
                if (next == page.size()) {
                    page = journal.doneKeepingFiles(after, PAGE);
                    next = 0;
                    if (page.isEmpty()) {
                        reportUnrelieved(low);
                        return done;
                    }
                }
                long jobId = page.get(next++);
                after = jobId;
                Map<String, Object> job = journal.find(jobId).orElseThrow();
                List<LocalFile> files = localFiles(job);
                if (files.stream().anyMatch(f -> low.containsKey(f.store()))) {
                    delete(job, files, wouldFree);
                    done.add(jobId);
                }
            }
        } catch (IOException e) {
            LOG.warn("retention: cannot measure the free space of {} or {}: {}", roots.works(), roots.out(),
                    e.toString());
            return done;
        }
    }

    /** The file systems (of the works path, the out path) with less free space than min-free, each with its path. */
    private Map<Object, Path> low(Map<Object, Long> wouldFree) throws IOException {
        Map<Object, Path> low = new LinkedHashMap<>();
        for (Path root : List.of(roots.works(), roots.out())) {
            Space space = disks.of(root);
            if (space.free() + wouldFree.getOrDefault(space.store(), 0L) < settings.minFree().of(space.total())) {
                low.putIfAbsent(space.store(), root);
            }
        }
        return low;
    }

    /** The job's files that are still there: its artifacts, and the recording of a job from before artifacts. */
    @SuppressWarnings("unchecked")
    private List<LocalFile> localFiles(Map<String, Object> job) {
        List<String> paths = new ArrayList<>();
        for (Map<String, Object> artifact : (List<Map<String, Object>>) job.get("artifacts")) {
            if (artifact.get("deleted") == null) {
                paths.add((String) artifact.get("path"));
            }
        }
        legacyRecording(job).ifPresent(paths::add);
        List<LocalFile> files = new ArrayList<>();
        paths.forEach(path -> local(path).ifPresent(files::add));
        return files;
    }

    /** The recording of a job from before artifacts, which has it only in job.file; empty for any other job. */
    @SuppressWarnings("unchecked")
    private Optional<String> legacyRecording(Map<String, Object> job) {
        boolean hasRecording = ((List<Map<String, Object>>) job.get("artifacts")).stream()
                .anyMatch(a -> Artifacts.RECORDING.equals(a.get("name")));
        return hasRecording ? Optional.empty() : Optional.of(roots.works().resolve((String) job.get("file")).toString());
    }

    /** The file, if it is a regular file under the works path or the out path (a link is not followed out of them). */
    private Optional<LocalFile> local(String recorded) {
        try {
            Path file = Path.of(recorded).toAbsolutePath().normalize();
            if (!underRoots(file) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                    || !underRoots(file.toRealPath())) {
                return Optional.empty();
            }
            return Optional.of(new LocalFile(recorded, file, Files.size(file), disks.of(file).store()));
        } catch (IOException | InvalidPathException gone) {
            return Optional.empty();
        }
    }

    private boolean underRoots(Path file) {
        return file.startsWith(roots.works()) || file.startsWith(roots.out());
    }

    private void delete(Map<String, Object> job, List<LocalFile> files, Map<Object, Long> wouldFree) {
        long jobId = ((Number) job.get("id")).longValue();
        List<String> names = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        long freed = 0;
        if (!settings.dryRun()) {
            // so that the journal says this file was the job's, and was deleted, like any artifact
            legacyRecording(job).ifPresent(path -> journal.artifact(jobId, new JobJournal.Artifact(Artifacts.RECORDING,
                    Artifacts.KIND_VIDEO, path, "recorder")));
        }
        for (LocalFile file : files) {
            if (settings.dryRun()) {
                wouldFree.merge(file.store(), file.size(), Long::sum);
            } else if (!deleteFile(jobId, file)) {
                continue;
            }
            names.add(roots.relative(file.path()));
            deleted.add(file.recorded());
            freed += file.size();
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("jobId", jobId);
        fields.put("roomId", job.get("roomId"));
        fields.put("files", names);
        fields.put("freed", freed);
        if (settings.dryRun()) {
            fields.put("dryRun", true);
            if (reported.add(jobId)) {
                LOG.info("retention (dry run): would delete job {}'s files to keep {} free: {} ({} bytes)", jobId,
                        settings.minFree(), names, freed);
                events.record(EVENT, fields);
            }
            return;
        }
        events.record(EVENT, fields, null, (c, seq) -> journal.filesDeleted(c, jobId, deleted));
        LOG.info("retention: deleted job {}'s files to keep {} free: {} ({} bytes)", jobId, settings.minFree(), names,
                freed);
    }

    private boolean deleteFile(long jobId, LocalFile file) {
        try {
            return Files.deleteIfExists(file.path());
        } catch (IOException e) {
            LOG.warn("retention: cannot delete {} of job {}: {}", file.path(), jobId, e.toString());
            return false;
        }
    }

    private void reportUnrelieved(Map<Object, Path> low) {
        Set<Path> paths = Set.copyOf(low.values());
        if (!paths.equals(unrelieved)) {
            LOG.warn("retention: free space on {} is below {}, and no DONE job has files there left to delete",
                    paths, settings.minFree());
        }
        unrelieved = paths;
    }
}

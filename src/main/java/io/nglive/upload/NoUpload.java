package io.nglive.upload;

import java.nio.file.Files;
import java.nio.file.Path;

import io.nglive.pipeline.ProgressListener;

/**
 * The {@code none} target: the file stays where it is. The upload stage still runs and succeeds, so a job
 * reaches "done" in the journal (and the events say so) for users who only want recordings kept locally.
 */
public final class NoUpload implements UploadTarget {

    @Override
    public String upload(Path file, String relativePath, ProgressListener progress) throws UploadFailed {
        if (!Files.isRegularFile(file)) {
            throw new UploadFailed("file to keep does not exist: " + file);
        }
        progress.progress(100);
        return file.toAbsolutePath().toString();
    }
}

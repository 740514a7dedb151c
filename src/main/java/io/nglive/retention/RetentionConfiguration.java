package io.nglive.retention;

import io.nglive.SettingsReader;
import io.nglive.events.EventLog;
import io.nglive.journal.JobJournal;
import io.nglive.pipeline.FileRoots;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/** Retention of local files (routes/85-retention): the oldest DONE jobs' files go when the disk runs short. */
public final class RetentionConfiguration implements CamelConfiguration {

    @BindToRegistry(lazy = true)
    public RetentionSettings retentionSettings(@BeanInject("settings") SettingsReader settings) {
        return RetentionSettings.read(settings);
    }

    @BindToRegistry(lazy = true)
    public Retention retention(@BeanInject("journal") JobJournal journal, @BeanInject("events") EventLog events,
                               @BeanInject("fileRoots") FileRoots roots,
                               @BeanInject("retentionSettings") RetentionSettings settings) {
        return new Retention(journal, events, roots, settings, Retention.FILE_STORES);
    }

    @Override
    public void configure(CamelContext camel) {
        // read now, so that a wrong setting stops the start
        camel.getRegistry().lookupByName("retentionSettings");
    }
}

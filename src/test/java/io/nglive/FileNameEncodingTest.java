package io.nglive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** A JVM that cannot name 录播.flv refuses to start, saying which variable to set. */
class FileNameEncodingTest {

    @Test
    void anAsciiLocaleOnLinuxIsRefusedNamingTheVariableThatChoseIt() {
        assertThat(FileNameEncoding.problem(jvm("Linux", "ANSI_X3.4-1968"), Map.of("LC_ALL", "C", "LANG", "zh_CN.UTF-8")))
                .hasValueSatisfying(problem -> assertThat(problem)
                        .startsWith("the locale (LC_ALL=C) makes Java name files in ANSI_X3.4-1968")
                        .contains("LANG=C.UTF-8"));
    }

    @Test
    void withNoLocaleVariableAtAllTheProblemSaysSo() {
        assertThat(FileNameEncoding.problem(jvm("Linux", "ANSI_X3.4-1968"), Map.of()))
                .hasValueSatisfying(problem -> assertThat(problem).contains("(LANG and LC_ALL unset)"));
    }

    @Test
    void aUtf8LocaleIsAccepted() {
        assertThat(FileNameEncoding.problem(jvm("Linux", "UTF-8"), Map.of("LANG", "C.UTF-8"))).isEmpty();
        assertThat(FileNameEncoding.problem(jvm("Mac OS X", "UTF-8"), Map.of())).isEmpty();
    }

    @Test
    void windowsNamesFilesInUtf16WhateverItsCodePage() {
        assertThat(FileNameEncoding.problem(jvm("Windows 11", "GBK"), Map.of())).isEmpty();
    }

    @Test
    void thisJvmCanNameChineseFilesWhenItSaysItCan() throws Exception {
        if (FileNameEncoding.problem(System.getProperties(), System.getenv()).isEmpty()) {
            assertThat(java.nio.file.Path.of("录播 测试.flv").toString()).isEqualTo("录播 测试.flv");
        }
    }

    private static Properties jvm(String os, String encoding) {
        Properties properties = new Properties();
        properties.setProperty("os.name", os);
        properties.setProperty("sun.jnu.encoding", encoding);
        return properties;
    }
}

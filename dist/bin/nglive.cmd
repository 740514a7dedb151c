@echo off
rem Starts nglive from its unpacked folder, from any directory:  bin\nglive.cmd [configuration directory]
rem The configuration directory holds application.properties and routes\; .\works, .\data... are resolved against it.
rem It is the first argument, else NGLIVE_HOME, else the unpacked folder. JAVA_HOME picks the Java (else the one on
rem the PATH); JAVA_OPTS adds JVM options after those of jvm.options, so they win. Java names files in Unicode on
rem Windows, whatever the code page: there is no locale to set up. (The zip has this file with CRLF line endings.)
setlocal
rem java inherits this script's variables: none starts with NGLIVE_, which nglive would read as a setting
for %%I in ("%~dp0..") do set "APP_DIR=%%~fI"

if not "%~2"=="" goto :usage
set "CONFIG_DIR=%~1"
if not defined CONFIG_DIR set "CONFIG_DIR=%NGLIVE_HOME%"
if not defined CONFIG_DIR set "CONFIG_DIR=%APP_DIR%"
cd /d "%CONFIG_DIR%" 2>nul || goto :no_config_dir

set "JAVA_EXE=java.exe"
if defined JAVA_HOME set "JAVA_EXE=%JAVA_HOME%\bin\java.exe"
if defined JAVA_HOME if not exist "%JAVA_EXE%" goto :no_java
if not defined JAVA_HOME where java.exe >nul 2>&1 || goto :no_java

rem The class-data archive (classes already parsed and verified: a faster start) belongs to this Java and this jar, so
rem it is made here, at the first start, rather than shipped. It is used only when the JVM, with the same options,
rem accepts it; a missing or stale one is written again as nglive exits. The empty SharedArchiveFile unsets
rem jvm.options' path (the repository's archive), which the JVM would otherwise take as the base to add to; cds=error
rem keeps the JVM from listing the few classes it cannot archive.
set "ARCHIVE=%CD%\nglive.jsa"
set CDS_OPTS=
if not exist "%ARCHIVE%" goto :new_archive
"%JAVA_EXE%" "@%APP_DIR%\jvm.options" %JAVA_OPTS% "-XX:SharedArchiveFile=%ARCHIVE%" -Xshare:on ^
  -cp "%APP_DIR%\nglive.jar" -version >nul 2>&1 && set CDS_OPTS="-XX:SharedArchiveFile=%ARCHIVE%"
if defined CDS_OPTS goto :run
rem the JVM writes its archives read-only, and on Windows it cannot replace such a file by itself
del /f /q "%ARCHIVE%" >nul 2>&1
if exist "%ARCHIVE%" goto :run
:new_archive
rem a directory nglive cannot write in gets no archive (a failed write would turn a clean stop into exit code 1)
(type nul > "%ARCHIVE%") 2>nul || goto :run
del /f /q "%ARCHIVE%"
set CDS_OPTS=-XX:SharedArchiveFile= "-XX:ArchiveClassesAtExit=%ARCHIVE%" -Xlog:cds=error

:run
"%JAVA_EXE%" "@%APP_DIR%\jvm.options" %CDS_OPTS% %JAVA_OPTS% -jar "%APP_DIR%\nglive.jar"
exit /b %ERRORLEVEL%

:usage
echo usage: nglive [configuration directory] 1>&2
exit /b 2

:no_config_dir
echo nglive: cannot enter the configuration directory "%CONFIG_DIR%" 1>&2
exit /b 2

:no_java
echo nglive: no Java found: install Java 17 or later, or set JAVA_HOME 1>&2
exit /b 1

@echo off
rem kling-mcp launcher for Windows: finds Java 17+ (JAVA_HOME, then PATH) and runs the server with a class archive
rem the JVM keeps up to date itself (JDK 19+: -XX:+AutoCreateSharedArchive) in %LOCALAPPDATA%\kling-mcp.
rem stdout belongs to the MCP protocol: the JVM logs only warnings, and only to stderr.
rem
rem Environment:
rem   JAVA_HOME            the JDK/JRE to use (else java.exe on PATH)
rem   KLING_MCP_JAVA_OPTS  extra JVM options (e.g. -Xmx512m)
rem   KLING_MCP_CDS=off    run without a class archive
rem   KLING_MCP_LAUNCHER_DEBUG=1  say on stderr which Java and which archive are used
rem   LOCALAPPDATA         where the archive is kept: %LOCALAPPDATA%\kling-mcp\
rem
rem Paths may hold spaces and parentheses ("C:\Program Files (x86)\..."): they are only ever expanded inside quotes and
rem never inside a parenthesised block, where a ")" in a path would end the block. Delayed expansion stays off so a
rem "!" in an argument (a prompt) reaches the server unchanged.
setlocal EnableExtensions DisableDelayedExpansion

set "APP_HOME=%~dp0.."
set "JAR=%APP_HOME%\lib\kling-mcp.jar"
if not exist "%JAR%" goto :noJar

set "JAVA="
set "VERSION="
set "MAJOR="
if not defined JAVA_HOME goto :javaFromPath
if exist "%JAVA_HOME%\bin\java.exe" set "JAVA=%JAVA_HOME%\bin\java.exe"
:javaFromPath
if not defined JAVA for %%J in (java.exe) do set "JAVA=%%~$PATH:J"
if not defined JAVA goto :noJava

rem "call" keeps the quotes around a path with spaces: for /f hands a command that starts with a quote to cmd /c,
rem which would strip the first and the last quote of the line.
for /f "tokens=3" %%V in ('call "%JAVA%" -version 2^>^&1 ^| findstr /i /c:" version "') do if not defined VERSION set "VERSION=%%~V"
for /f "tokens=1,2 delims=.-+_" %%A in ("%VERSION%") do if "%%A"=="1" (set "MAJOR=%%B") else (set "MAJOR=%%A")
set /a MAJOR=MAJOR+0 2>nul
if not defined MAJOR set "MAJOR=0"
if %MAJOR% LSS 17 goto :oldJava

set "CDS="
if /i "%KLING_MCP_CDS%"=="off" goto :run
if %MAJOR% LSS 19 goto :run
if not defined LOCALAPPDATA goto :run
if not exist "%LOCALAPPDATA%\kling-mcp\" mkdir "%LOCALAPPDATA%\kling-mcp" 2>nul
if not exist "%LOCALAPPDATA%\kling-mcp\" goto :run
rem Quoted as one argument: a user folder may hold spaces. The JVM checks the archive against the jar and the JDK
rem itself and rewrites it when they changed.
set CDS=-XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=%LOCALAPPDATA%\kling-mcp\kling-mcp-java%MAJOR%.jsa"

:run
if "%KLING_MCP_LAUNCHER_DEBUG%"=="1" >&2 echo kling-mcp: Java %MAJOR% at "%JAVA%", class archive options: [%CDS%]
"%JAVA%" -XX:+UseSerialGC -Xlog:disable -Xlog:all=warning:stderr %CDS% %KLING_MCP_JAVA_OPTS% -cp "%JAR%" dev.klingmcp.server.KlingMcp %*
exit /b %ERRORLEVEL%

:noJar
>&2 echo kling-mcp: cannot find "%JAR%": the launcher must stay in the bin\ folder of the unpacked kling-mcp archive.
exit /b 1

:noJava
>&2 echo kling-mcp: no Java found: JAVA_HOME is not set or has no bin\java.exe, and no java.exe is on PATH.
goto :needJava

:oldJava
if not defined VERSION set "VERSION=of an unknown version"
>&2 echo kling-mcp: "%JAVA%" is Java %VERSION%.
goto :needJava

:needJava
>&2 echo kling-mcp needs Java 17 or newer. Install a JDK or JRE 17+ (e.g. Eclipse Temurin 21) and set JAVA_HOME to it or put its bin\ on PATH. An MCP client started from the desktop does not read your shell profile: set JAVA_HOME in the server's "env" in the client's config.
exit /b 1

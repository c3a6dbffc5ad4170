@echo off
rem kling-mcp launcher for Windows: finds Java 17+ (JAVA_HOME, then PATH) and runs the server with a class archive
rem the JVM keeps up to date itself (JDK 19+: -XX:+AutoCreateSharedArchive) in %LOCALAPPDATA%\kling-mcp.
rem stdout belongs to the MCP protocol: the JVM logs only warnings, and only to stderr.
setlocal EnableExtensions EnableDelayedExpansion

set "APP_HOME=%~dp0.."
set "JAR=%APP_HOME%\lib\kling-mcp.jar"
if not exist "%JAR%" (
  echo kling-mcp: cannot find %JAR%: the launcher must stay in the bin\ folder of the unpacked kling-mcp archive. 1>&2
  exit /b 1
)

set "JAVA="
if defined JAVA_HOME if exist "%JAVA_HOME%\bin\java.exe" set "JAVA=%JAVA_HOME%\bin\java.exe"
if not defined JAVA (
  for %%J in (java.exe) do if not "%%~$PATH:J"=="" set "JAVA=%%~$PATH:J"
)
if not defined JAVA (
  echo kling-mcp: no Java found ^(JAVA_HOME is not usable and no java.exe on PATH^). 1>&2
  goto :needJava
)

set "VERSION="
for /f "tokens=3" %%V in ('"%JAVA%" -version 2^>^&1 ^| findstr /i /c:"version"') do if not defined VERSION set "VERSION=%%~V"
for /f "tokens=1,2 delims=." %%A in ("%VERSION%") do (
  set "MAJOR=%%A"
  if "%%A"=="1" set "MAJOR=%%B"
)
set /a MAJOR=%MAJOR% 2>nul
if not defined MAJOR set MAJOR=0
if %MAJOR% LSS 17 (
  echo kling-mcp: %JAVA% is Java %VERSION%. 1>&2
  goto :needJava
)

set "CDS="
if /i not "%KLING_MCP_CDS%"=="off" if %MAJOR% GEQ 19 if defined LOCALAPPDATA (
  if not exist "%LOCALAPPDATA%\kling-mcp" mkdir "%LOCALAPPDATA%\kling-mcp" 2>nul
  set "CDS=-XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=%LOCALAPPDATA%\kling-mcp\kling-mcp-java%MAJOR%.jsa"
)

"%JAVA%" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:disable -Xlog:all=warning:stderr %CDS% %KLING_MCP_JAVA_OPTS% -cp "%JAR%" dev.klingmcp.server.KlingMcp %*
exit /b %ERRORLEVEL%

:needJava
echo kling-mcp needs Java 17 or newer. Install a JDK or JRE 17+ ^(e.g. Eclipse Temurin 21^) and set JAVA_HOME to it or put its bin\ on PATH. An MCP client started from the desktop does not read your shell profile: set JAVA_HOME in the server's "env" in the client's config. 1>&2
exit /b 1

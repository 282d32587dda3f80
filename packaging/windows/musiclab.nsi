; MusicLab Desktop: the Windows installer (NSIS 3, Modern UI 2).
;
; Build the bundle on Windows first (PyInstaller cannot cross-compile):
;   py -3.11 -m venv .venv && .venv\Scripts\activate
;   pip install -e ".[packaging]"
;   pip wheel --no-deps -w build\wheels .
;   set MUSICLAB_WHEEL_DIR=build\wheels   (plus pip's wheel, see packaging/README.md)
;   pyinstaller --noconfirm packaging\musiclab.spec
; then compile this script (makensis runs on Windows and on Linux alike):
;   makensis -DVERSION=0.1.0 -DBUNDLE_DIR=..\..\dist\musiclab packaging\windows\musiclab.nsi
;
; A per-user install (no administrator rights, like the larger ML desktop apps): the app
; goes to %LOCALAPPDATA%\Programs\MusicLab, with a Start menu entry for the windowed
; musiclab-gui.exe; musiclab.exe in the same folder is the command line. The training
; environment and all data live in %LOCALAPPDATA%\MusicLab and survive an uninstall.

Unicode true
SetCompressor /SOLID lzma

!ifndef VERSION
  !error "Pass the version: makensis -DVERSION=0.1.0 ..."
!endif
!ifndef BUNDLE_DIR
  !define BUNDLE_DIR "..\..\dist\musiclab"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\..\dist\MusicLab-${VERSION}-setup.exe"
!endif

!define APP_NAME "MusicLab"
!define PUBLISHER "MusicLab Desktop"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\MusicLab"

Name "${APP_NAME} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\MusicLab"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
RequestExecutionLevel user
ShowInstDetails show

!include "MUI2.nsh"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\musiclab-gui.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Open MusicLab"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${APP_NAME}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${APP_NAME} installer"
VIAddVersionKey "LegalCopyright" "MIT License"

Section "MusicLab" SecApp
  SectionIn RO
  ; An update replaces the whole bundle: no stale library from an older version stays.
  RMDir /r "$INSTDIR\_internal"
  SetOutPath "$INSTDIR"
  File /r "${BUNDLE_DIR}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\MusicLab"
  CreateShortcut "$SMPROGRAMS\MusicLab\MusicLab.lnk" "$INSTDIR\musiclab-gui.exe"
  CreateShortcut "$SMPROGRAMS\MusicLab\Uninstall MusicLab.lnk" "$INSTDIR\uninstall.exe"

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\musiclab-gui.exe"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ; `musiclab` from the Run dialog and `start musiclab` (the CLI needs the folder on PATH).
  WriteRegStr HKCU "Software\Microsoft\Windows\CurrentVersion\App Paths\musiclab.exe" "" "$INSTDIR\musiclab.exe"
SectionEnd

Section "Uninstall"
  ; Only the program folder: the data folder and training environment stay.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\musiclab.exe"
  Delete "$INSTDIR\musiclab-gui.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\MusicLab\MusicLab.lnk"
  Delete "$SMPROGRAMS\MusicLab\Uninstall MusicLab.lnk"
  RMDir "$SMPROGRAMS\MusicLab"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\Microsoft\Windows\CurrentVersion\App Paths\musiclab.exe"
SectionEnd

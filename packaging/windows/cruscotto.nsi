; Cruscotto's Windows installer (NSIS 3, built on Linux by scripts/package with Debian's makensis).
;
; Per-user install: no administrator rights, everything under %LOCALAPPDATA%\Programs\Cruscotto
; and HKEY_CURRENT_USER. A Start-menu entry, an uninstaller (also in "App installate"), and,
; offered as an option, "Apri con Cruscotto" for .xlsx, .xls, .ods, .csv and .parquet files
; (added to the "Apri con" list and the right-click menu; the default program is not changed).
;
; makensis -DVERSION=0.1.0 -DEXE=path\to\cruscotto.exe -DICON=cruscotto.ico -DLICENSE=LICENSE
;          -DOUTFILE=cruscotto-0.1.0-setup.exe cruscotto.nsi

; A 64-bit installer for a 64-bit program (runs on every Windows 10/11 x64, and under wine64).
Target amd64-unicode
SetCompressor /SOLID lzma

!ifndef VERSION
  !error "VERSION is not defined (-DVERSION=...)"
!endif
!ifndef EXE
  !error "EXE is not defined (-DEXE=path to cruscotto.exe)"
!endif
!ifndef ICON
  !error "ICON is not defined (-DICON=path to cruscotto.ico)"
!endif
!ifndef LICENSE
  !error "LICENSE is not defined (-DLICENSE=path to LICENSE)"
!endif
!ifndef OUTFILE
  !define OUTFILE "cruscotto-${VERSION}-setup.exe"
!endif

!define APP "Cruscotto"
!define PROGID "Cruscotto.Tabella"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Cruscotto"

Name "${APP} ${VERSION}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\Cruscotto"
InstallDirRegKey HKCU "Software\Cruscotto" "InstallDir"
BrandingText "${APP} ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "${APP}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "${APP} - installazione"
VIAddVersionKey /LANG=0 "LegalCopyright" "MIT"

!include "MUI2.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\cruscotto.exe"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_LICENSE "${LICENSE}"
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "Italian"
!insertmacro MUI_LANGUAGE "English"

LangString SEC_APP ${LANG_ITALIAN} "Cruscotto (programma e voce nel menu Start)"
LangString SEC_APP ${LANG_ENGLISH} "Cruscotto (program and Start-menu entry)"
LangString SEC_ASSOC ${LANG_ITALIAN} "$\"Apri con Cruscotto$\" per i file .xlsx, .xls, .ods, .csv, .parquet"
LangString SEC_ASSOC ${LANG_ENGLISH} "$\"Open with Cruscotto$\" for .xlsx, .xls, .ods, .csv, .parquet files"
LangString SEC_DESKTOP ${LANG_ITALIAN} "Icona sul desktop"
LangString SEC_DESKTOP ${LANG_ENGLISH} "Desktop icon"
LangString VERB ${LANG_ITALIAN} "Apri con Cruscotto"
LangString VERB ${LANG_ENGLISH} "Open with Cruscotto"
LangString TYPE_NAME ${LANG_ITALIAN} "Tabella di progetti (Cruscotto)"
LangString TYPE_NAME ${LANG_ENGLISH} "Table of projects (Cruscotto)"

Section "!$(SEC_APP)" SecApp
  SectionIn RO
  SetOutPath "$INSTDIR"
  File "/oname=cruscotto.exe" "${EXE}"
  File "/oname=cruscotto.ico" "${ICON}"
  File "/oname=LICENSE.txt" "${LICENSE}"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\Cruscotto.lnk" "$INSTDIR\cruscotto.exe" "" "$INSTDIR\cruscotto.ico" 0
  WriteRegStr HKCU "Software\Cruscotto" "InstallDir" "$INSTDIR"
  ; Found by "Esegui" and by the shell's "Apri con" list.
  WriteRegStr HKCU "Software\Microsoft\Windows\CurrentVersion\App Paths\cruscotto.exe" "" "$INSTDIR\cruscotto.exe"
  WriteRegStr HKCU "Software\Classes\Applications\cruscotto.exe" "FriendlyAppName" "Cruscotto"
  WriteRegStr HKCU "Software\Classes\Applications\cruscotto.exe\DefaultIcon" "" "$INSTDIR\cruscotto.ico"
  WriteRegStr HKCU "Software\Classes\Applications\cruscotto.exe\shell\open\command" "" '"$INSTDIR\cruscotto.exe" "%1"'
  ; The uninstaller, listed in Settings > Apps.
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "Cruscotto"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "Cruscotto"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\cruscotto.ico"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

!macro ASSOCIATE EXT
  WriteRegStr HKCU "Software\Classes\${EXT}\OpenWithProgids" "${PROGID}" ""
  WriteRegStr HKCU "Software\Classes\Applications\cruscotto.exe\SupportedTypes" "${EXT}" ""
  WriteRegStr HKCU "Software\Classes\SystemFileAssociations\${EXT}\shell\Cruscotto" "" "$(VERB)"
  WriteRegStr HKCU "Software\Classes\SystemFileAssociations\${EXT}\shell\Cruscotto" "Icon" "$INSTDIR\cruscotto.ico"
  WriteRegStr HKCU "Software\Classes\SystemFileAssociations\${EXT}\shell\Cruscotto\command" "" '"$INSTDIR\cruscotto.exe" "%1"'
!macroend

!macro FORGET EXT
  DeleteRegValue HKCU "Software\Classes\${EXT}\OpenWithProgids" "${PROGID}"
  DeleteRegKey /ifempty HKCU "Software\Classes\${EXT}\OpenWithProgids"
  DeleteRegKey HKCU "Software\Classes\SystemFileAssociations\${EXT}\shell\Cruscotto"
!macroend

Section "$(SEC_ASSOC)" SecAssoc
  WriteRegStr HKCU "Software\Classes\${PROGID}" "" "$(TYPE_NAME)"
  WriteRegStr HKCU "Software\Classes\${PROGID}\DefaultIcon" "" "$INSTDIR\cruscotto.ico"
  WriteRegStr HKCU "Software\Classes\${PROGID}\shell\open" "" "$(VERB)"
  WriteRegStr HKCU "Software\Classes\${PROGID}\shell\open\command" "" '"$INSTDIR\cruscotto.exe" "%1"'
  !insertmacro ASSOCIATE ".xlsx"
  !insertmacro ASSOCIATE ".xls"
  !insertmacro ASSOCIATE ".ods"
  !insertmacro ASSOCIATE ".csv"
  !insertmacro ASSOCIATE ".parquet"
  ; Tell Explorer that associations changed (SHCNE_ASSOCCHANGED).
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd

Section /o "$(SEC_DESKTOP)" SecDesktop
  CreateShortcut "$DESKTOP\Cruscotto.lnk" "$INSTDIR\cruscotto.exe" "" "$INSTDIR\cruscotto.ico" 0
SectionEnd

Section "Uninstall"
  Delete "$INSTDIR\cruscotto.exe"
  Delete "$INSTDIR\cruscotto.ico"
  Delete "$INSTDIR\LICENSE.txt"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\Cruscotto.lnk"
  Delete "$DESKTOP\Cruscotto.lnk"
  !insertmacro FORGET ".xlsx"
  !insertmacro FORGET ".xls"
  !insertmacro FORGET ".ods"
  !insertmacro FORGET ".csv"
  !insertmacro FORGET ".parquet"
  DeleteRegKey HKCU "Software\Classes\${PROGID}"
  DeleteRegKey HKCU "Software\Classes\Applications\cruscotto.exe"
  DeleteRegKey HKCU "Software\Microsoft\Windows\CurrentVersion\App Paths\cruscotto.exe"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\Cruscotto"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd

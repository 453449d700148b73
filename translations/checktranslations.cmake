# Fails when a translation catalog is not complete and up to date with the sources.
# Runs lupdate on a copy of each catalog (the catalogs in the source tree stay untouched) and
# lists the entries that are unfinished (new or never translated), vanished or obsolete.
# Variables: LUPDATE, LUPDATE_OPTIONS, SOURCE_LIST (one source file per line), TS_FILES, WORK_DIR.
cmake_minimum_required(VERSION 3.25)

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(problems "")
foreach(ts IN LISTS TS_FILES)
  get_filename_component(name "${ts}" NAME)
  set(copy "${WORK_DIR}/${name}")
  file(COPY_FILE "${ts}" "${copy}")
  execute_process(
    COMMAND "${LUPDATE}" ${LUPDATE_OPTIONS} "@${SOURCE_LIST}" -ts "${copy}"
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "lupdate failed on ${name}:\n${output}")
  endif()
  file(READ "${copy}" content)
  # Walk the entries one <message>…</message> at a time (their text may hold ';', so no lists)
  # and report each bad one by its source text.
  set(count 0)
  set(rest "${content}")
  while(TRUE)
    string(FIND "${rest}" "<message" start)
    if(start EQUAL -1)
      break()
    endif()
    string(SUBSTRING "${rest}" ${start} -1 rest)
    string(FIND "${rest}" "</message>" end)
    string(SUBSTRING "${rest}" 0 ${end} message)
    math(EXPR end "${end} + 10")
    string(SUBSTRING "${rest}" ${end} -1 rest)
    if(message MATCHES "type=\"(unfinished|vanished|obsolete)\"")
      set(kind "${CMAKE_MATCH_1}")
      string(REGEX MATCH "<source>([^<]*)</source>" unused "${message}")
      string(APPEND problems "  ${name}: ${kind}: ${CMAKE_MATCH_1}\n")
      math(EXPR count "${count} + 1")
    endif()
  endwhile()
  if(count EQUAL 0)
    message(STATUS "${name}: complete")
  endif()
endforeach()

if(NOT problems STREQUAL "")
  message(FATAL_ERROR "Translation catalogs are incomplete or out of date (run "
    "'cmake --build <build dir> --target update_translations' and translate):\n${problems}")
endif()

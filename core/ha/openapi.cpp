// The OpenAPI 3 document of the controller API as static JSON text; see openapi.hpp.
#include "core/ha/openapi.hpp"

namespace ov2ha::ha {

std::string_view openapi_document() {
    static constexpr std::string_view k_document = R"json(
{
 "openapi": "3.0.3",
 "info": {
  "title": "ov2ha controller API",
  "version": "0.1.0",
  "description": "The HA controller of ov2ha (`ov2ha serve`): recording sessions in Redis, OpenVidu webhook intake and relay, cleanup, failover status and metrics. Compatible with ov2-ha-recorder's controller API. Errors are {\"error\": \"...\"}."
 },
 "security": [
  {
   "basicAuth": []
  }
 ],
 "tags": [
  {
   "name": "sessions"
  },
  {
   "name": "failover"
  },
  {
   "name": "webhook"
  },
  {
   "name": "operations"
  }
 ],
 "paths": {
  "/api/sessions": {
   "post": {
    "summary": "Register a recording session",
    "tags": [
     "sessions"
    ],
    "responses": {
     "201": {
      "description": "Created",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Session"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     }
    },
    "description": "400 when sessionId or clientId is missing, a field has the wrong type, or a session with this id exists.",
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/Registration"
       }
      }
     }
    }
   },
   "get": {
    "summary": "Active sessions",
    "tags": [
     "sessions"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "sessions": {
           "type": "array",
           "items": {
            "$ref": "#/components/schemas/Session"
           }
          },
          "timestamp": {
           "type": "string",
           "description": "local time, yyyy-MM-ddTHH:mm:ss.SSS"
          },
          "type": {
           "type": "string"
          },
          "count": {
           "type": "integer"
          }
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     }
    }
   }
  },
  "/api/sessions/all": {
   "get": {
    "summary": "Every session",
    "tags": [
     "sessions"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "sessions": {
           "type": "array",
           "items": {
            "$ref": "#/components/schemas/Session"
           }
          },
          "timestamp": {
           "type": "string",
           "description": "local time, yyyy-MM-ddTHH:mm:ss.SSS"
          },
          "type": {
           "type": "string"
          },
          "totalCount": {
           "type": "integer"
          },
          "activeCount": {
           "type": "integer"
          },
          "inactiveCount": {
           "type": "integer"
          }
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     }
    }
   }
  },
  "/api/sessions/inactive": {
   "get": {
    "summary": "Inactive sessions",
    "tags": [
     "sessions"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "sessions": {
           "type": "array",
           "items": {
            "$ref": "#/components/schemas/Session"
           }
          },
          "timestamp": {
           "type": "string",
           "description": "local time, yyyy-MM-ddTHH:mm:ss.SSS"
          },
          "type": {
           "type": "string"
          },
          "count": {
           "type": "integer"
          }
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     }
    }
   }
  },
  "/api/sessions/health": {
   "get": {
    "summary": "Controller and Redis health with session counts",
    "tags": [
     "sessions"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "status": {
           "type": "string",
           "enum": [
            "healthy"
           ]
          },
          "service": {
           "type": "string"
          },
          "activeSessions": {
           "type": "integer"
          },
          "totalSessions": {
           "type": "integer"
          },
          "inactiveSessions": {
           "type": "integer"
          },
          "s3CleanupInfo": {
           "type": "string"
          },
          "timestamp": {
           "type": "string",
           "description": "local time, yyyy-MM-ddTHH:mm:ss.SSS"
          }
         }
        }
       }
      }
     },
     "503": {
      "description": "Redis unavailable",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "status": {
           "type": "string",
           "enum": [
            "unhealthy"
           ]
          },
          "service": {
           "type": "string"
          },
          "error": {
           "type": "string"
          },
          "timestamp": {
           "type": "string",
           "description": "local time, yyyy-MM-ddTHH:mm:ss.SSS"
          }
         }
        }
       }
      }
     }
    },
    "security": []
   }
  },
  "/api/sessions/cleanup": {
   "post": {
    "summary": "Remove sessions inactive longer than HA_SESSION_MAX_INACTIVE_TIME",
    "tags": [
     "sessions"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "message": {
           "type": "string"
          },
          "removedSessions": {
           "type": "integer"
          },
          "timestamp": {
           "type": "string",
           "description": "local time, yyyy-MM-ddTHH:mm:ss.SSS"
          }
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     }
    }
   }
  },
  "/api/sessions/{id}": {
   "get": {
    "summary": "One session",
    "tags": [
     "sessions"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Session"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     }
    },
    "parameters": [
     {
      "$ref": "#/components/parameters/SessionId"
     }
    ]
   },
   "delete": {
    "summary": "Remove a session; in S3 mode its chunks are deleted from the bucket when its final recording exists, otherwise kept for recovery",
    "tags": [
     "sessions"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "message": {
           "type": "string"
          },
          "sessionId": {
           "type": "string"
          },
          "timestamp": {
           "type": "string",
           "description": "local time, yyyy-MM-ddTHH:mm:ss.SSS"
          },
          "chunksDeleted": {
           "type": "integer"
          },
          "keptForRecovery": {
           "type": "boolean"
          }
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     }
    },
    "parameters": [
     {
      "$ref": "#/components/parameters/SessionId"
     }
    ]
   }
  },
  "/api/sessions/{id}/active": {
   "get": {
    "summary": "Whether a session is active",
    "tags": [
     "sessions"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "sessionId": {
           "type": "string"
          },
          "active": {
           "type": "boolean"
          },
          "timestamp": {
           "type": "string",
           "description": "local time, yyyy-MM-ddTHH:mm:ss.SSS"
          }
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     }
    },
    "parameters": [
     {
      "$ref": "#/components/parameters/SessionId"
     }
    ]
   }
  },
  "/api/sessions/{id}/heartbeat": {
   "put": {
    "summary": "A recorder's heartbeat, with its last closed chunk",
    "tags": [
     "sessions"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "message": {
           "type": "string"
          },
          "sessionId": {
           "type": "string"
          },
          "timestamp": {
           "type": "string",
           "description": "local time, yyyy-MM-ddTHH:mm:ss.SSS"
          },
          "lastChunk": {
           "type": "string"
          }
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     }
    },
    "requestBody": {
     "required": false,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "properties": {
         "lastChunk": {
          "type": "string",
          "example": "0007.mp4"
         }
        }
       }
      }
     }
    },
    "parameters": [
     {
      "$ref": "#/components/parameters/SessionId"
     }
    ]
   }
  },
  "/api/sessions/{id}/status": {
   "put": {
    "summary": "Change a session's status; PAUSED, STOPPING, COMPLETED, FAILED and INACTIVE make it inactive",
    "tags": [
     "sessions"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "message": {
           "type": "string"
          },
          "sessionId": {
           "type": "string"
          },
          "timestamp": {
           "type": "string",
           "description": "local time, yyyy-MM-ddTHH:mm:ss.SSS"
          },
          "status": {
           "$ref": "#/components/schemas/Status"
          }
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "properties": {
         "status": {
          "type": "string",
          "description": "a status word in any case, or OpenVidu's started, stopped, ready, failed"
         }
        },
        "required": [
         "status"
        ]
       }
      }
     }
    },
    "parameters": [
     {
      "$ref": "#/components/parameters/SessionId"
     }
    ]
   }
  },
  "/api/sessions/{id}/recording-path": {
   "put": {
    "summary": "Set where the recording is",
    "tags": [
     "sessions"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "message": {
           "type": "string"
          },
          "sessionId": {
           "type": "string"
          },
          "timestamp": {
           "type": "string",
           "description": "local time, yyyy-MM-ddTHH:mm:ss.SSS"
          },
          "recordingPath": {
           "type": "string"
          }
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "properties": {
         "recordingPath": {
          "type": "string"
         }
        },
        "required": [
         "recordingPath"
        ]
       }
      }
     }
    },
    "parameters": [
     {
      "$ref": "#/components/parameters/SessionId"
     }
    ]
   }
  },
  "/api/sessions/{id}/deactivate": {
   "put": {
    "summary": "Mark a session INACTIVE, keeping its chunks",
    "tags": [
     "sessions"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "message": {
           "type": "string"
          },
          "sessionId": {
           "type": "string"
          },
          "timestamp": {
           "type": "string",
           "description": "local time, yyyy-MM-ddTHH:mm:ss.SSS"
          },
          "status": {
           "type": "string",
           "enum": [
            "INACTIVE"
           ]
          }
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     }
    },
    "parameters": [
     {
      "$ref": "#/components/parameters/SessionId"
     }
    ]
   }
  },
  "/api/sessions/{id}/stop": {
   "put": {
    "summary": "Stop a session: STOPPING then COMPLETED, inactive",
    "tags": [
     "sessions"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "message": {
           "type": "string"
          },
          "sessionId": {
           "type": "string"
          },
          "timestamp": {
           "type": "string",
           "description": "local time, yyyy-MM-ddTHH:mm:ss.SSS"
          },
          "status": {
           "type": "string",
           "enum": [
            "COMPLETED"
           ]
          }
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     }
    },
    "parameters": [
     {
      "$ref": "#/components/parameters/SessionId"
     }
    ]
   }
  },
  "/actuator/health": {
   "get": {
    "summary": "Liveness with the Redis connection",
    "tags": [
     "operations"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "status": {
           "type": "string",
           "enum": [
            "UP"
           ]
          }
         }
        }
       }
      }
     },
     "503": {
      "description": "Redis unavailable",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "status": {
           "type": "string",
           "enum": [
            "DOWN"
           ]
          },
          "error": {
           "type": "string"
          }
         }
        }
       }
      }
     }
    },
    "security": []
   }
  },
  "/api/failover/status": {
   "get": {
    "summary": "Failover configuration and state",
    "tags": [
     "failover"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "enabled": {
           "type": "boolean"
          },
          "heartbeatTimeoutSeconds": {
           "type": "integer"
          },
          "stuckChunkTimeoutSeconds": {
           "type": "integer"
          },
          "checkIntervalMs": {
           "type": "integer"
          },
          "activeBackupContainers": {
           "type": "integer"
          },
          "backupContainerDetails": {
           "type": "object",
           "additionalProperties": {
            "type": "string"
           }
          },
          "dockerInitialized": {
           "type": "boolean"
          },
          "dockerInitializationFailed": {
           "type": "boolean"
          },
          "dockerStatus": {
           "type": "string"
          },
          "sessionsMissingHeartbeats": {
           "type": "integer"
          },
          "timestamp": {
           "type": "string",
           "description": "local time, yyyy-MM-ddTHH:mm:ss.SSS"
          }
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/api/failover/check": {
   "post": {
    "summary": "Scan the sessions for missed heartbeats now",
    "tags": [
     "failover"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "message": {
           "type": "string"
          },
          "timestamp": {
           "type": "string",
           "description": "local time, yyyy-MM-ddTHH:mm:ss.SSS"
          },
          "activeBackupContainers": {
           "type": "integer"
          },
          "dockerInitialized": {
           "type": "boolean"
          },
          "sessionsChecked": {
           "type": "integer"
          },
          "heartbeatTimeoutSeconds": {
           "type": "integer"
          },
          "backupsStarted": {
           "type": "integer"
          },
          "missedHeartbeats": {
           "type": "array",
           "items": {
            "type": "object",
            "properties": {
             "sessionId": {
              "type": "string"
             },
             "lastHeartbeat": {
              "type": "string"
             },
             "secondsSinceLastHeartbeat": {
              "type": "integer"
             },
             "lastChunk": {
              "type": "string",
              "nullable": true
             }
            }
           }
          },
          "error": {
           "type": "string",
           "description": "only when failover is disabled"
          }
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "503": {
      "$ref": "#/components/responses/Unavailable"
     }
    }
   }
  },
  "/api/failover/backups": {
   "get": {
    "summary": "Running backup recorders",
    "tags": [
     "failover"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "activeBackupContainers": {
           "type": "object",
           "additionalProperties": {
            "type": "string"
           }
          },
          "count": {
           "type": "integer"
          },
          "timestamp": {
           "type": "string",
           "description": "local time, yyyy-MM-ddTHH:mm:ss.SSS"
          }
         }
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/api/failover/backup/{id}": {
   "delete": {
    "summary": "Stop a session's backup recorder gracefully",
    "tags": [
     "failover"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "message": {
           "type": "string"
          },
          "method": {
           "type": "string",
           "enum": [
            "graceful"
           ]
          },
          "sessionId": {
           "type": "string"
          }
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     }
    },
    "parameters": [
     {
      "$ref": "#/components/parameters/SessionId"
     }
    ]
   }
  },
  "/api/failover/backup/{id}/force": {
   "delete": {
    "summary": "Stop a session's backup recorder by force",
    "tags": [
     "failover"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "message": {
           "type": "string"
          },
          "method": {
           "type": "string",
           "enum": [
            "force"
           ]
          },
          "sessionId": {
           "type": "string"
          }
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     }
    },
    "parameters": [
     {
      "$ref": "#/components/parameters/SessionId"
     }
    ]
   }
  },
  "/openvidu/webhook": {
   "post": {
    "summary": "Receive an OpenVidu webhook event; answered at once, relayed to OPENVIDU_WEBHOOK_ENDPOINT",
    "tags": [
     "webhook"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Received"
        }
       }
      }
     },
     "401": {
      "description": "the configured intake secret or credentials are missing",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "413": {
      "$ref": "#/components/responses/Error"
     }
    },
    "description": "recordingStatusChanged with status stopped marks the session with that id inactive. When webhook.intake_secret is set the request must carry it as X-Webhook-Secret or Authorization: Bearer; with webhook.intake_basic_auth it may carry the controller's Basic credentials.",
    "security": [],
    "requestBody": {
     "required": false,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "description": "the event exactly as OpenVidu sent it"
       }
      }
     }
    }
   },
   "put": {
    "summary": "Receive an OpenVidu webhook event; answered at once, relayed to OPENVIDU_WEBHOOK_ENDPOINT",
    "tags": [
     "webhook"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Received"
        }
       }
      }
     },
     "401": {
      "description": "the configured intake secret or credentials are missing",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "413": {
      "$ref": "#/components/responses/Error"
     }
    },
    "description": "recordingStatusChanged with status stopped marks the session with that id inactive. When webhook.intake_secret is set the request must carry it as X-Webhook-Secret or Authorization: Bearer; with webhook.intake_basic_auth it may carry the controller's Basic credentials.",
    "security": [],
    "requestBody": {
     "required": false,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "description": "the event exactly as OpenVidu sent it"
       }
      }
     }
    }
   },
   "patch": {
    "summary": "Receive an OpenVidu webhook event; answered at once, relayed to OPENVIDU_WEBHOOK_ENDPOINT",
    "tags": [
     "webhook"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Received"
        }
       }
      }
     },
     "401": {
      "description": "the configured intake secret or credentials are missing",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "413": {
      "$ref": "#/components/responses/Error"
     }
    },
    "description": "recordingStatusChanged with status stopped marks the session with that id inactive. When webhook.intake_secret is set the request must carry it as X-Webhook-Secret or Authorization: Bearer; with webhook.intake_basic_auth it may carry the controller's Basic credentials.",
    "security": [],
    "requestBody": {
     "required": false,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "description": "the event exactly as OpenVidu sent it"
       }
      }
     }
    }
   },
   "delete": {
    "summary": "Receive an OpenVidu webhook event; answered at once, relayed to OPENVIDU_WEBHOOK_ENDPOINT",
    "tags": [
     "webhook"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Received"
        }
       }
      }
     },
     "401": {
      "description": "the configured intake secret or credentials are missing",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Error"
        }
       }
      }
     },
     "413": {
      "$ref": "#/components/responses/Error"
     }
    },
    "description": "recordingStatusChanged with status stopped marks the session with that id inactive. When webhook.intake_secret is set the request must carry it as X-Webhook-Secret or Authorization: Bearer; with webhook.intake_basic_auth it may carry the controller's Basic credentials.",
    "security": [],
    "requestBody": {
     "required": false,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "description": "the event exactly as OpenVidu sent it"
       }
      }
     }
    }
   },
   "get": {
    "summary": "Webhook endpoint health",
    "tags": [
     "webhook"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "properties": {
          "status": {
           "type": "string"
          },
          "endpoint": {
           "type": "string"
          },
          "message": {
           "type": "string"
          },
          "timestamp": {
           "type": "string",
           "description": "local time, yyyy-MM-ddTHH:mm:ss.SSS"
          },
          "relayStatus": {
           "$ref": "#/components/schemas/RelayStatus"
          }
         }
        }
       }
      }
     }
    },
    "security": []
   }
  },
  "/openvidu/webhook/status": {
   "get": {
    "summary": "Webhook relay counts",
    "tags": [
     "webhook"
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "allOf": [
          {
           "$ref": "#/components/schemas/RelayStatus"
          },
          {
           "type": "object",
           "properties": {
            "endpoint": {
             "type": "string"
            },
            "timestamp": {
             "type": "string",
             "description": "local time, yyyy-MM-ddTHH:mm:ss.SSS"
            }
           }
          }
         ]
        }
       }
      }
     }
    },
    "security": []
   }
  },
  "/metrics": {
   "get": {
    "summary": "Prometheus metrics",
    "tags": [
     "operations"
    ],
    "responses": {
     "200": {
      "description": "text format 0.0.4",
      "content": {
       "text/plain": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     }
    }
   }
  },
  "/openapi.json": {
   "get": {
    "summary": "This document",
    "tags": [
     "operations"
    ],
    "responses": {
     "200": {
      "description": "OpenAPI 3",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     }
    },
    "security": []
   }
  }
 },
 "components": {
  "securitySchemes": {
   "basicAuth": {
    "type": "http",
    "scheme": "basic",
    "description": "HA_CONTROLLER_USERNAME / HA_CONTROLLER_PASSWORD; not asked when both are empty"
   }
  },
  "parameters": {
   "SessionId": {
    "name": "id",
    "in": "path",
    "required": true,
    "description": "the session id (the recording's VIDEO_ID): at most 200 bytes, no '/', '\\\\', '..', whitespace or control characters",
    "schema": {
     "type": "string",
     "maxLength": 200
    }
   }
  },
  "responses": {
   "Error": {
    "description": "error",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "BadRequest": {
    "description": "invalid id or body; the error names the field",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "Unauthorized": {
    "description": "Basic credentials missing or wrong",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "NotFound": {
    "description": "no such session",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   },
   "Unavailable": {
    "description": "Redis (or the bucket) unavailable; retry later",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   }
  },
  "schemas": {
   "Error": {
    "type": "object",
    "properties": {
     "error": {
      "type": "string"
     }
    },
    "required": [
     "error"
    ]
   },
   "Status": {
    "type": "string",
    "enum": [
     "STARTING",
     "RECORDING",
     "PAUSED",
     "STOPPING",
     "COMPLETED",
     "FAILED",
     "INACTIVE"
    ]
   },
   "Session": {
    "type": "object",
    "properties": {
     "sessionId": {
      "type": "string"
     },
     "clientId": {
      "type": "string"
     },
     "clientHost": {
      "type": "string",
      "nullable": true
     },
     "status": {
      "$ref": "#/components/schemas/Status"
     },
     "createdAt": {
      "type": "string",
      "example": "2025-01-31 12:00:00"
     },
     "lastHeartbeat": {
      "type": "string",
      "example": "2025-01-31 12:00:30"
     },
     "recordingPath": {
      "type": "string",
      "nullable": true
     },
     "metadata": {
      "type": "string",
      "nullable": true,
      "description": "JSON text"
     },
     "lastChunk": {
      "type": "string",
      "nullable": true,
      "example": "0007.mp4"
     },
     "active": {
      "type": "boolean"
     },
     "backupContainerId": {
      "type": "string",
      "nullable": true
     },
     "backupContainerName": {
      "type": "string",
      "nullable": true
     },
     "environment": {
      "type": "string",
      "nullable": true,
      "description": "JSON text of what a backup recorder needs: url, onlyVideo, resolution, framerate, videoId, videoName, videoFormat, recordingJson, chunkFolder, chunkTimeSize, hostname, containerIp"
     },
     "uniqueSessionId": {
      "type": "string",
      "nullable": true
     },
     "originalSessionId": {
      "type": "string",
      "nullable": true
     }
    }
   },
   "Registration": {
    "type": "object",
    "properties": {
     "sessionId": {
      "type": "string",
      "maxLength": 200
     },
     "clientId": {
      "type": "string"
     },
     "clientHost": {
      "type": "string"
     },
     "uniqueSessionId": {
      "type": "string"
     },
     "originalSessionId": {
      "type": "string"
     },
     "status": {
      "type": "string"
     },
     "recordingJson": {
      "description": "OpenVidu's RECORDING_JSON, as text or object; joins the environment",
      "oneOf": [
       {
        "type": "string"
       },
       {
        "type": "object"
       }
      ]
     },
     "environment": {
      "oneOf": [
       {
        "type": "string"
       },
       {
        "type": "object"
       }
      ]
     },
     "metadata": {
      "oneOf": [
       {
        "type": "string"
       },
       {
        "type": "object"
       }
      ]
     }
    },
    "required": [
     "sessionId",
     "clientId"
    ]
   },
   "Received": {
    "type": "object",
    "properties": {
     "status": {
      "type": "string",
      "enum": [
       "received"
      ]
     },
     "message": {
      "type": "string"
     },
     "timestamp": {
      "type": "string",
      "description": "local time, yyyy-MM-ddTHH:mm:ss.SSS"
     },
     "processingTimeMs": {
      "type": "integer"
     }
    }
   },
   "RelayStatus": {
    "type": "object",
    "properties": {
     "enabled": {
      "type": "boolean"
     },
     "targetEndpoint": {
      "type": "string"
     },
     "totalRequests": {
      "type": "integer"
     },
     "successfulRequests": {
      "type": "integer"
     },
     "failedRequests": {
      "type": "integer"
     },
     "successRate": {
      "type": "number"
     },
     "pendingRequests": {
      "type": "integer"
     },
     "droppedRequests": {
      "type": "integer"
     },
     "attempts": {
      "type": "integer"
     },
     "lastRequestTime": {
      "type": "string",
      "nullable": true
     },
     "lastSuccessTime": {
      "type": "string",
      "nullable": true
     },
     "lastFailureTime": {
      "type": "string",
      "nullable": true
     },
     "configuration": {
      "type": "object",
      "properties": {
       "timeoutMs": {
        "type": "integer"
       },
       "retryAttempts": {
        "type": "integer"
       },
       "retryDelayMs": {
        "type": "integer"
       },
       "hasCustomHeaders": {
        "type": "boolean"
       }
      }
     }
    }
   }
  }
 }
}
)json";
    return k_document;
}

} // namespace ov2ha::ha
